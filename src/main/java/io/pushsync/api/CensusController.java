package io.pushsync.api;

import io.pushsync.sync.BatchBody;
import io.pushsync.sync.BatchBodyReader;
import io.pushsync.sync.BatchConflictException;
import io.pushsync.sync.BatchProperties;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.BatchService;
import io.pushsync.sync.BatchTooLargeException;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.InvalidBatchException;
import io.pushsync.sync.RowFields;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.Violation;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.IdentifierAlias;
import io.pushsync.sync.catalog.OptionDescriptor;
import io.pushsync.sync.catalog.OptionKind;
import io.pushsync.sync.connections.NamedConnection;
import io.pushsync.sync.connections.NamedConnections;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /census/{connectionName}}: Census' Custom API protocol (JSON-RPC 2.0, one request per POST) over a
 * named connection. Objects and fields come from the catalog; {@code sync_batch} runs through {@link BatchService}
 * like a {@code /v1} batch. The call is read as a stream ({@link CensusCallReader}): its records go straight into the
 * row form of a {@link BatchBody}, never into a JSON tree. The caller's token may arrive as the query parameter
 * {@code census_authentication}: nothing here logs or echoes the request URL or its query.
 */
@Hidden
@RestController
public class CensusController {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    static final int BATCH_IN_PROGRESS = -32000;
    private static final int CENSUS_ROWS_WITHOUT_CHUNKS = 100;

    private static final Logger log = LoggerFactory.getLogger(CensusController.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final NamedConnections connections;
    private final DestinationRegistry registry;
    private final BatchService batches;
    private final BatchProperties batchProperties;
    private final Environment environment;
    private final JsonMapper json;
    private final CensusCallReader reader;
    private final StreamedBodies bodies;

    public CensusController(NamedConnections connections, DestinationRegistry registry, BatchService batches,
            BatchProperties batchProperties, Environment environment, JsonMapper json, StreamedBodies bodies) {
        this.connections = connections;
        this.registry = registry;
        this.batches = batches;
        this.batchProperties = batchProperties;
        this.environment = environment;
        // the application's mapper: the same parser limits (nesting depth, document length) as /v1 bodies
        this.json = json;
        // read as a /v1 batch is: refusing a repeated key, records in row form, the field and row limits applied
        this.reader = new CensusCallReader(json, batchProperties.maxFieldsPerRow(), batchProperties.maxRows());
        this.bodies = bodies;
    }

    /** A JSON-RPC error raised while handling a call. */
    static final class RpcError extends RuntimeException {
        final int code;

        RpcError(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** An object Census can sync to: a catalog object type, and the list for list objects. */
    record CensusObject(String apiName, String label, ObjectTypeDescriptor type, Long listId, IdentifierAlias alias) {
    }

    /**
     * Reads the call from the request's stream ({@link CensusCallReader}), bounded by
     * {@code pushsync.batch.max-body-size} while it is read: a body without a declared length (chunked) that runs past
     * it is stopped there and answered 413 Problem Details ({@link ProblemDetailsAdvice}), as on {@code /v1}, since
     * the call was never read; a declared length over it is refused before ({@link RequestBodyLimitFilter}).
     */
    @PostMapping(path = "/census/{connectionName}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> call(@PathVariable String connectionName, HttpServletRequest request) {
        NamedConnection connection = connections.find(connectionName).orElse(null);
        if (connection == null) {
            return ResponseEntity.status(404).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body("{\"type\":\"" + ProblemTypes.NOT_FOUND + "\",\"title\":\"Not Found\",\"status\":404,"
                            + "\"detail\":\"no connection of that name is configured (pushsync.connections)\"}");
        }
        CensusCallReader.Call call;
        try {
            call = bodies.read(request, batchProperties.maxBodySize().toBytes(), "pushsync.batch.max-body-size",
                    in -> reader.read(in, plan -> identifierOf(connection, plan)));
        } catch (BatchBodyReader.DuplicateKeyException e) {
            return answer(error(NODES.nullNode(), INVALID_REQUEST, "Invalid Request: " + e.getMessage()));
        } catch (HttpMessageNotReadableException e) {
            call = null; // not well-formed JSON, or a parser limit (StreamedBodies)
        }
        if (call == null) {
            return answer(error(NODES.nullNode(), PARSE_ERROR, "Parse error: the body is not valid JSON"));
        }
        JsonNode id = call.isObject() ? call.envelope().get("id") : null;
        JsonNode echoedId = id != null && (id.isString() || id.isNumber() || id.isNull()) ? id : NODES.nullNode();
        String invalid = envelopeProblem(call);
        if (invalid != null) {
            return answer(error(echoedId, INVALID_REQUEST, "Invalid Request: " + invalid));
        }
        String method = call.envelope().get("method").stringValue();
        JsonNode params = call.params() == null ? NODES.objectNode() : call.params();
        try {
            ObjectNode result = dispatch(connection, method, params, call, echoedId);
            ObjectNode response = NODES.objectNode();
            response.put("jsonrpc", "2.0");
            response.set("id", echoedId);
            response.set("result", result);
            return answer(response);
        } catch (RpcError e) {
            return answer(error(echoedId, e.code, e.getMessage()));
        } catch (RuntimeException e) {
            log.error("census method {} on connection {} failed", method, connection.name(), e);
            return answer(error(echoedId, INTERNAL_ERROR, "Internal error"));
        }
    }

    private static String envelopeProblem(CensusCallReader.Call call) {
        if (!call.isObject()) {
            return "the request must be a JSON object (batches are not supported)";
        }
        ObjectNode request = call.envelope();
        JsonNode version = request.get("jsonrpc");
        if (version == null || !version.isString() || !"2.0".equals(version.stringValue())) {
            return "'jsonrpc' must be \"2.0\"";
        }
        JsonNode method = request.get("method");
        if (method == null || !method.isString()) {
            return "'method' must be a string";
        }
        JsonNode params = call.params();
        if (params != null && !params.isObject()) {
            return "'params' must be an object";
        }
        JsonNode id = request.get("id");
        if (id == null) {
            return "'id' is required (notifications are not supported)";
        }
        if (!(id.isString() || id.isNumber() || id.isNull())) {
            return "'id' must be a string or a number";
        }
        return null;
    }

    private ObjectNode dispatch(NamedConnection connection, String method, JsonNode params,
            CensusCallReader.Call call, JsonNode id) {
        return switch (method) {
            case "test_connection" -> testConnection(connection);
            case "list_objects" -> listObjects(connection);
            case "list_fields" -> listFields(connection, params);
            case "supported_operations" -> supportedOperations(connection, params);
            case "get_sync_speed" -> syncSpeed(connection);
            case "sync_batch" -> syncBatch(connection, params, call, id);
            default -> throw new RpcError(METHOD_NOT_FOUND, "Method not found: " + printable(method));
        };
    }

    private ObjectNode testConnection(NamedConnection connection) {
        ObjectNode body = NODES.objectNode();
        body.put("connectionRef", connection.name());
        ConnectionCheckResult check = batches.checkConnection(connection.type(), body);
        ObjectNode result = NODES.objectNode();
        result.put("success", check.ok());
        if (!check.ok()) {
            result.put("error_message", check.error() == null ? "connection check failed"
                    : check.error().code() + ": " + check.error().message());
        }
        return result;
    }

    private ObjectNode listObjects(NamedConnection connection) {
        ObjectNode result = NODES.objectNode();
        ArrayNode objects = result.putArray("objects");
        for (CensusObject o : objects(connection)) {
            ObjectNode n = objects.addObject();
            n.put("object_api_name", o.apiName());
            n.put("label", o.label());
        }
        return result;
    }

    private ObjectNode listFields(NamedConnection connection, JsonNode params) {
        CensusObject o = object(connection, params.get("object"), "object");
        ObjectNode result = NODES.objectNode();
        result.set("fields", json.valueToTree(CensusFields.of(o.type(), o.alias())));
        return result;
    }

    private ObjectNode supportedOperations(NamedConnection connection, JsonNode params) {
        JsonNode object = params.get("object");
        if (object != null && !object.isNull()) {
            object(connection, object, "object");
        }
        ObjectNode result = NODES.objectNode();
        result.putArray("operations").add("upsert");
        return result;
    }

    /**
     * Per vendor type, from configuration only: rows per vendor request {@code R} = {@code pushsync.<type>.chunk-size}
     * (1 when unset: one request per row); requests in flight per batch {@code C} = {@code
     * pushsync.<type>.concurrency} (1 when unset); the rate limit {@code L} requests per {@code T} =
     * {@code resilience4j.ratelimiter.configs.<type>.limit-for-period} / {@code limit-refresh-period}.
     * {@code maximum_batch_size} = min(pushsync.batch.max-rows, R > 1 ? R : 100); {@code maximum_records_per_second}
     * = R * L / T; {@code maximum_parallel_batches} = ceil((L / T) / C), at least 1, and at most
     * {@code pushsync.<type>.chunks-in-flight} when the vendor has it (chunks of one account in flight at once).
     */
    private ObjectNode syncSpeed(NamedConnection connection) {
        String type = connection.type();
        int rowsPerRequest = Math.max(1, environment.getProperty("pushsync." + type + ".chunk-size", Integer.class, 1));
        int concurrency = Math.max(1, environment.getProperty("pushsync." + type + ".concurrency", Integer.class, 1));
        String limiter = "resilience4j.ratelimiter.configs." + type + ".";
        int limit = Math.max(1, environment.getProperty(limiter + "limit-for-period", Integer.class, 1));
        Duration period = environment.getProperty(limiter + "limit-refresh-period", Duration.class,
                Duration.ofSeconds(1));
        double seconds = Math.max(period.toNanos(), 1) / 1e9;
        double requestsPerSecond = limit / seconds;
        int batchSize = Math.min(batchProperties.maxRows(), rowsPerRequest > 1 ? rowsPerRequest
                : CENSUS_ROWS_WITHOUT_CHUNKS);
        long recordsPerSecond = Math.max(1, (long) Math.floor(rowsPerRequest * requestsPerSecond));
        long parallel = Math.max(1, (long) Math.ceil(requestsPerSecond / concurrency));
        Integer inFlight = environment.getProperty("pushsync." + type + ".chunks-in-flight", Integer.class);
        if (inFlight != null) {
            // the account's lane admits this many chunks at once: more batches would only wait in this replica
            parallel = Math.min(parallel, Math.max(1, inFlight));
        }
        ObjectNode result = NODES.objectNode();
        result.put("maximum_batch_size", batchSize);
        result.put("maximum_parallel_batches", parallel);
        result.put("maximum_records_per_second", recordsPerSecond);
        return result;
    }

    private ObjectNode syncBatch(NamedConnection connection, JsonNode params, CensusCallReader.Call call,
            JsonNode id) {
        JsonNode plan = params.get("sync_plan");
        if (plan == null || !plan.isObject()) {
            throw new RpcError(INVALID_PARAMS, "Invalid params: 'sync_plan' must be an object");
        }
        CensusObject object = object(connection, plan.get("object"), "sync_plan.object");
        JsonNode operation = plan.get("operation");
        if (operation != null && !operation.isNull()
                && !(operation.isString() && "upsert".equals(operation.stringValue()))) {
            throw new RpcError(INVALID_PARAMS, "Invalid params: 'sync_plan.operation' must be \"upsert\"");
        }
        CensusCallReader.Records records = call.records();
        if (records == null || !records.isArray()) {
            throw new RpcError(INVALID_PARAMS, "Invalid params: 'records' must be an array of objects");
        }
        if (!records.allObjects()) {
            throw new RpcError(INVALID_PARAMS, "Invalid params: every record must be an object");
        }
        String identifierField = activeIdentifier(plan.get("schema"), object);
        List<RowFields> kept = records.kept();
        // each record's identifier value, not the record, is what the answer needs
        List<JsonNode> identifiers = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            identifiers.add(records.value(i, identifierField));
        }
        List<String> rowIds = rowIds(identifiers);
        String syncId = "census-" + connection.name();
        ObjectNode head = NODES.objectNode();
        head.put("syncId", syncId);
        // the same call delivered twice replays its answer; a retry by Census (a new request id) runs again
        head.put("batchId", batchId(object, id, call.digest()));
        head.put("connectionRef", connection.name());
        head.put("objectType", object.type().name());
        head.put("mode", object.type().modes().get(0));
        if (object.listId() != null) {
            head.putObject("options").put(listOption(object.type()).name(), object.listId());
        }
        // an object keyed by another name (CleverPush tags_by_user_id): the row carries it as the identifier, with
        // the option that says what it holds
        IdentifierAlias alias = object.alias();
        String canonical = CensusFields.identifier(object.type());
        if (alias != null) {
            ObjectNode options = head.has("options") ? (ObjectNode) head.get("options") : head.putObject("options");
            options.put(alias.option(), alias.value());
        }
        List<BatchBody.RawRow> rows = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            RowFields fields = records.take(i); // held once: by its row from here on
            if (alias != null) {
                fields = fields.renamed(alias.field(), canonical);
            }
            rows.add(new BatchBody.RawRow(true, NODES.stringNode(rowIds.get(i)), null, fields, List.of()));
        }
        BatchResponse response;
        try {
            response = batches.execute(connection.type(), new BatchBody(head, rows, records.count(), call.digest()))
                    .response();
        } catch (InvalidBatchException e) {
            throw new RpcError(INVALID_PARAMS, "Invalid params: " + e.violations().stream()
                    .map(Violation::message).collect(Collectors.joining("; ")));
        } catch (BatchTooLargeException e) {
            throw new RpcError(INVALID_PARAMS, "Invalid params: " + e.getMessage());
        } catch (BatchConflictException e) {
            throw new RpcError(BATCH_IN_PROGRESS, "the same records are being synced by another call; retry later");
        }
        ObjectNode result = NODES.objectNode();
        ArrayNode results = result.putArray("record_results");
        for (int i = 0; i < identifiers.size(); i++) {
            RowResult row = response.results().get(i);
            ObjectNode r = results.addObject();
            JsonNode value = identifiers.get(i);
            r.set("identifier", value == null ? NODES.nullNode() : value);
            // a skipped row had nothing to do (e.g. no_fields): reported as failed, Census would retry it forever
            boolean success = row.status() == RowStatus.SUCCEEDED || row.status() == RowStatus.ACCEPTED
                    || row.status() == RowStatus.SKIPPED;
            r.put("success", success);
            if (!success) {
                r.put("error_message", row.error() == null ? row.status().wireName()
                        : row.error().code() + ": " + row.error().message());
            }
        }
        return result;
    }

    /**
     * {@code census-<sha256(object, JSON-RPC id, digest of the call)>}: the digest is that of the call's bytes
     * without insignificant whitespace, taken while they were read; the call holds the request id and the records, so
     * the same call delivered twice has the same batch id (and replays its answer), a retry with a new request id
     * another one (and runs again).
     */
    private static String batchId(CensusObject object, JsonNode id, byte[] digest) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((object.apiName() + "\n" + id + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(digest);
            return "census-" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Row ids: the records' identifier values as strings when every record has one (1 to 256 characters) and they are
     * distinct; otherwise the record indexes ("0", "1", ...) for the whole batch, so that a duplicate or missing
     * identifier fails no other record.
     */
    private static List<String> rowIds(List<JsonNode> identifiers) {
        List<String> ids = new ArrayList<>(identifiers.size());
        Set<String> seen = new HashSet<>();
        boolean usable = true;
        for (int i = 0; usable && i < identifiers.size(); i++) {
            JsonNode v = identifiers.get(i);
            String s = v == null || !(v.isString() || v.isNumber()) ? null : v.asString();
            usable = s != null && !s.isEmpty() && s.length() <= 256 && seen.add(s);
            ids.add(s);
        }
        if (!usable) {
            ids.clear();
            for (int i = 0; i < identifiers.size(); i++) {
                ids.add(Integer.toString(i));
            }
        }
        return ids;
    }

    /**
     * The identifier field of a {@code sync_plan} as {@link #syncBatch} will take it, for the reader to keep each
     * record's identifier value as it reads them; null when the plan names no object of the connection.
     */
    private String identifierOf(NamedConnection connection, JsonNode plan) {
        if (!plan.isObject()) {
            return null;
        }
        try {
            return activeIdentifier(plan.get("schema"), object(connection, plan.get("object"), "sync_plan.object"));
        } catch (RpcError e) {
            return null;
        }
    }

    /** The schema entry with {@code active_identifier: true}, else the catalog's identifier of the object type. */
    private static String activeIdentifier(JsonNode schema, CensusObject object) {
        if (schema != null && schema.isObject()) {
            for (Map.Entry<String, JsonNode> e : schema.properties()) {
                JsonNode active = e.getValue().get("active_identifier");
                if (active != null && active.isBoolean() && active.booleanValue()) {
                    JsonNode name = e.getValue().at("/field/field_api_name");
                    return name.isString() ? name.stringValue() : e.getKey();
                }
            }
        }
        return object.alias() != null ? object.alias().field() : CensusFields.identifier(object.type());
    }

    private List<CensusObject> objects(NamedConnection connection) {
        DestinationDescriptor d = registry.get(connection.type()).descriptor();
        List<CensusObject> objects = new ArrayList<>();
        for (ObjectTypeDescriptor o : d.objectTypes()) {
            if (listOption(o) == null) {
                objects.add(new CensusObject(o.name(), o.label(), o, null, null));
                for (IdentifierAlias alias : o.identifierAliases()) {
                    objects.add(new CensusObject(o.name() + "_by_" + alias.field(),
                            o.label() + " by " + CensusFields.label(alias.field()).toLowerCase(java.util.Locale.ROOT),
                            o, null, alias));
                }
            } else {
                for (Long listId : connection.listIds()) {
                    objects.add(new CensusObject(o.name() + "_" + listId, o.label() + " of list " + listId, o,
                            listId, null));
                }
            }
        }
        return objects;
    }

    /** A required positive-integer {@code listId} option: one Census object per configured list id. */
    private static OptionDescriptor listOption(ObjectTypeDescriptor o) {
        return o.options().stream()
                .filter(opt -> opt.required() && opt.kind() == OptionKind.POSITIVE_INTEGER
                        && opt.name().equals("listId"))
                .findFirst().orElse(null);
    }

    /** {@code {"object_api_name": ...}} (as Census sends it) or a bare name. */
    private CensusObject object(NamedConnection connection, JsonNode object, String where) {
        String name = null;
        if (object != null && object.isObject() && object.get("object_api_name") != null
                && object.get("object_api_name").isString()) {
            name = object.get("object_api_name").stringValue();
        } else if (object != null && object.isString()) {
            name = object.stringValue();
        }
        if (name == null) {
            throw new RpcError(INVALID_PARAMS, "Invalid params: '" + where + "' must be an object with an "
                    + "object_api_name");
        }
        String wanted = name;
        Optional<CensusObject> found = objects(connection).stream().filter(o -> o.apiName().equals(wanted))
                .findFirst();
        return found.orElseThrow(() -> new RpcError(INVALID_PARAMS, "Invalid params: unknown object '"
                + printable(wanted) + "'; one of " + objects(connection).stream().map(CensusObject::apiName)
                .toList()));
    }

    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode response = NODES.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return response;
    }

    private ResponseEntity<String> answer(ObjectNode response) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(response.toString());
    }

}
