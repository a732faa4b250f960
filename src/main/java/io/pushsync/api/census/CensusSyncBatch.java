package io.pushsync.api.census;

import io.pushsync.sync.intake.BatchBody;
import io.pushsync.sync.idempotency.BatchConflictException;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.batches.BatchService;
import io.pushsync.sync.intake.BatchTooLargeException;
import io.pushsync.sync.intake.InvalidBatchException;
import io.pushsync.sync.RowFields;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.intake.Violation;
import io.pushsync.sync.catalog.IdentifierAlias;
import io.pushsync.sync.connections.NamedConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sync_batch}: the call's records become the rows of one {@code /v1}-style batch ({@link BatchBody}, records
 * handed over in row form, never copied into a tree) run through {@link BatchService#execute}; its row results become
 * Census' {@code record_results}, one per record in order, keyed by the record's identifier value.
 */
final class CensusSyncBatch {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final BatchService batches;
    private final CensusObjects objects;

    CensusSyncBatch(BatchService batches, CensusObjects objects) {
        this.batches = batches;
        this.objects = objects;
    }

    ObjectNode run(NamedConnection connection, JsonNode params, CensusCallReader.Call call, JsonNode id) {
        JsonNode plan = params.get("sync_plan");
        if (plan == null || !plan.isObject()) {
            throw new RpcError(RpcError.INVALID_PARAMS, "Invalid params: 'sync_plan' must be an object");
        }
        CensusObject object = objects.object(connection, plan.get("object"), "sync_plan.object");
        JsonNode operation = plan.get("operation");
        if (operation != null && !operation.isNull()
                && !(operation.isString() && "upsert".equals(operation.stringValue()))) {
            throw new RpcError(RpcError.INVALID_PARAMS, "Invalid params: 'sync_plan.operation' must be \"upsert\"");
        }
        CensusCallReader.Records records = call.records();
        if (records == null || !records.isArray()) {
            throw new RpcError(RpcError.INVALID_PARAMS, "Invalid params: 'records' must be an array of objects");
        }
        if (!records.allObjects()) {
            throw new RpcError(RpcError.INVALID_PARAMS, "Invalid params: every record must be an object");
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
            head.putObject("options").put(CensusObjects.listOption(object.type()).name(), object.listId());
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
            throw new RpcError(RpcError.INVALID_PARAMS, "Invalid params: " + e.violations().stream()
                    .map(Violation::message).collect(Collectors.joining("; ")));
        } catch (BatchTooLargeException e) {
            throw new RpcError(RpcError.INVALID_PARAMS, "Invalid params: " + e.getMessage());
        } catch (BatchConflictException e) {
            throw new RpcError(RpcError.BATCH_IN_PROGRESS,
                    "the same records are being synced by another call; retry later");
        }
        return recordResults(identifiers, response);
    }

    /** One result per record, in order: {@code success}, and {@code error_message} when it failed. */
    private static ObjectNode recordResults(List<JsonNode> identifiers, BatchResponse response) {
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
     * The identifier field of a {@code sync_plan} as {@link #run} will take it, for the reader to keep each record's
     * identifier value as it reads them; null when the plan names no object of the connection.
     */
    String identifierOf(NamedConnection connection, JsonNode plan) {
        if (!plan.isObject()) {
            return null;
        }
        try {
            return activeIdentifier(plan.get("schema"),
                    objects.object(connection, plan.get("object"), "sync_plan.object"));
        } catch (RpcError e) {
            return null;
        }
    }

    /**
     * Every field a {@code sync_plan} for {@code connection} can name as the identifier: each of its objects'
     * identifier ({@link #activeIdentifier}), for the reader to keep when the records come before the plan.
     */
    Set<String> identifierFields(NamedConnection connection) {
        Set<String> fields = new LinkedHashSet<>();
        for (CensusObject object : objects.objects(connection)) {
            String field = object.identifier();
            if (field != null) {
                fields.add(field);
            }
        }
        return fields;
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
        return object.identifier();
    }
}
