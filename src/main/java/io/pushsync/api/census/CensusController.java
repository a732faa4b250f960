package io.pushsync.api.census;

import io.pushsync.api.BatchRoom;
import io.pushsync.api.ProblemTypes;
import io.pushsync.api.StreamedBodies;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.DuplicateKeyException;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.batches.BatchService;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.connections.NamedConnection;
import io.pushsync.sync.connections.NamedConnections;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /census/{connectionName}}: Census' Custom API protocol (JSON-RPC 2.0, one request per POST) over a
 * named connection: the envelope, and each method handed to its part. Objects and fields come from the catalog
 * ({@link CensusObjects}); {@code sync_batch} runs through {@link BatchService} like a {@code /v1} batch
 * ({@link CensusSyncBatch}); {@code get_sync_speed} follows the destination's declared pace ({@link CensusSyncSpeed}).
 * The call is read as a stream ({@link CensusCallReader}): its records go straight into the row form of a
 * {@link io.pushsync.sync.intake.BatchBody}, never into a JSON tree. The caller's token may arrive as the query parameter
 * {@code census_authentication}: nothing here logs or echoes the request URL or its query.
 */
@Hidden
@RestController
public class CensusController {

    private static final Logger log = LoggerFactory.getLogger(CensusController.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final NamedConnections connections;
    private final BatchService batches;
    private final BatchProperties batchProperties;
    private final CensusCallReader reader;
    private final StreamedBodies bodies;
    private final CensusObjects objects;
    private final CensusSyncBatch syncBatch;
    private final CensusSyncSpeed syncSpeed;
    private final BatchRoom room;

    public CensusController(NamedConnections connections, DestinationRegistry registry, BatchService batches,
            BatchProperties batchProperties, JsonMapper json, StreamedBodies bodies, BatchRoom room) {
        this.room = room;
        this.connections = connections;
        this.batches = batches;
        this.batchProperties = batchProperties;
        // the application's mapper: the same parser limits (nesting depth, document length) as /v1 bodies; read as a
        // /v1 batch is: refusing a repeated key, records in row form, the field and row limits applied
        this.reader = new CensusCallReader(json, batchProperties.maxFieldsPerRow(), batchProperties.maxRows());
        this.bodies = bodies;
        this.objects = new CensusObjects(registry, json);
        this.syncBatch = new CensusSyncBatch(batches, objects);
        this.syncSpeed = new CensusSyncSpeed(registry, batchProperties.maxRows());
    }

    /**
     * Reads the call from the request's stream ({@link CensusCallReader}), bounded by
     * {@code pushsync.batch.max-body-size} while it is read: a body without a declared length (chunked) that runs past
     * it is stopped there and answered 413 Problem Details ({@link io.pushsync.api.ProblemDetailsAdvice}), as on
     * {@code /v1}, since the call was never read; a declared length over it is refused before (the request body
     * limit filter of {@code io.pushsync.api}). The body takes its room among the batches' ({@link BatchRoom}) before it
     * is read: without room in time, a 503 Problem Details ({@code batch-memory-full}), the call not read.
     */
    @PostMapping(path = "/census/{connectionName}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> call(@PathVariable String connectionName, HttpServletRequest request) {
        NamedConnection connection = connections.find(connectionName).orElse(null);
        if (connection == null) {
            return ResponseEntity.status(404).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body("{\"type\":\"" + ProblemTypes.NOT_FOUND + "\",\"title\":\"Not Found\",\"status\":404,"
                            + "\"detail\":\"no connection of that name is configured (pushsync.connections)\"}");
        }
        try (BatchRoom.Taken taken = room.take(request.getContentLengthLong())) {
            return call(connection, request);
        }
    }

    /** The call of a known connection, read and answered within the room its body takes. */
    private ResponseEntity<String> call(NamedConnection connection, HttpServletRequest request) {
        CensusCallReader.Call call;
        try {
            call = bodies.read(request, batchProperties.maxBodySize().toBytes(), "pushsync.batch.max-body-size",
                    batchProperties.bodyReadTimeout(),
                    in -> reader.read(in, plan -> syncBatch.identifierOf(connection, plan),
                            syncBatch.identifierFields(connection)));
        } catch (DuplicateKeyException e) {
            return answer(error(NODES.nullNode(), RpcError.INVALID_REQUEST, "Invalid Request: " + e.getMessage()));
        } catch (HttpMessageNotReadableException e) {
            call = null; // not well-formed JSON, or a parser limit (StreamedBodies)
        }
        if (call == null) {
            return answer(error(NODES.nullNode(), RpcError.PARSE_ERROR, "Parse error: the body is not valid JSON"));
        }
        JsonNode id = call.isObject() ? call.envelope().get("id") : null;
        JsonNode echoedId = id != null && (id.isString() || id.isNumber() || id.isNull()) ? id : NODES.nullNode();
        String invalid = envelopeProblem(call);
        if (invalid != null) {
            return answer(error(echoedId, RpcError.INVALID_REQUEST, "Invalid Request: " + invalid));
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
            return answer(error(echoedId, RpcError.INTERNAL_ERROR, "Internal error"));
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
            case "list_objects" -> objects.listObjects(connection);
            case "list_fields" -> objects.listFields(connection, params);
            case "supported_operations" -> objects.supportedOperations(connection, params);
            case "get_sync_speed" -> syncSpeed.syncSpeed(connection);
            case "sync_batch" -> syncBatch.run(connection, params, call, id);
            default -> throw new RpcError(RpcError.METHOD_NOT_FOUND,
                    "Method not found: " + RpcError.printable(method));
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
