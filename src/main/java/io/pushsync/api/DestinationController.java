package io.pushsync.api;

import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.batches.BatchService;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.catalog.DestinationDescriptor;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The catalog, connection checks and synchronous batches of {@code /v1/destinations}. */
@Tag(name = "destinations", description = "catalog, connection checks and synchronous batches")
@ProblemResponse.Unauthorized
@RestController
@RequestMapping(path = "/v1/destinations", produces = MediaType.APPLICATION_JSON_VALUE)
public class DestinationController {

    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final DestinationRegistry registry;
    private final BatchService batches;
    private final StreamedBodies bodies;
    private final BatchProperties properties;
    private final BatchRoom room;

    public DestinationController(DestinationRegistry registry, BatchService batches, StreamedBodies bodies,
            BatchProperties properties, BatchRoom room) {
        this.room = room;
        this.registry = registry;
        this.batches = batches;
        this.bodies = bodies;
        this.properties = properties;
    }

    @Operation(summary = "Every registered destination type: connection fields (secret ones flagged), object "
            + "types, modes, options, required and default fields")
    @ApiResponse(responseCode = "200", description = "the catalog: one entry per destination type")
    @GetMapping
    public List<DestinationDescriptor> catalog() {
        return registry.catalog();
    }

    @Operation(summary = "One entry of the catalog")
    @ApiResponse(responseCode = "200", description = "the destination's catalog entry")
    @ProblemResponse(code = "404", description = "unknown destination type")
    @GetMapping("/{type}")
    public DestinationDescriptor destination(@PathVariable String type) {
        return registry.get(type).descriptor();
    }

    @PostMapping(path = "/{type}/connection-checks",
            consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    @Operation(summary = "Check a connection against the vendor: {\"ok\": true} or {\"ok\": false, \"error\"}",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ApiDocs.ConnectionCheckRequest.class),
                    examples = @ExampleObject(value = ApiDocs.CONNECTION_CHECK_EXAMPLE))))
    @ApiResponse(responseCode = "200", description = "the check's outcome (a refused key is ok: false, not an error)")
    @ProblemResponse(code = "400", description = "malformed JSON, invalid connection fields, or "
            + "connectionRef unknown, of another type, or given with connection")
    @ProblemResponse(code = "404", description = "unknown destination type")
    @ProblemResponse(code = "415", description = "the body is not JSON")
    public ConnectionCheckResult checkConnection(@PathVariable String type,
            @io.swagger.v3.oas.annotations.Parameter(hidden = true) @RequestBody JsonNode body) {
        return batches.checkConnection(type, body);
    }

    /** The answer to forgetting a snapshot. */
    public record SnapshotForgotten(boolean forgotten) {
    }

    @DeleteMapping(path = "/{type}/snapshots", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    @Operation(summary = "Forget the snapshot of a replace target (connection, objectType, options): the next "
            + "replace for it adds every member and removes none; {\"forgotten\": false} when it had none",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ApiDocs.SnapshotTarget.class))))
    @ApiResponse(responseCode = "200", description = "whether a snapshot was forgotten")
    @ProblemResponse(code = "400", description = "malformed JSON; invalid connection, connectionRef, objectType (it "
            + "must have a replace mode) or options (the target option is required)")
    @ProblemResponse(code = "404", description = "unknown destination type")
    @ProblemResponse(code = "409", description = "a replace for the target is running (snapshot-busy)")
    @ProblemResponse(code = "415", description = "the body is not JSON")
    public SnapshotForgotten forgetSnapshot(@PathVariable String type,
            @io.swagger.v3.oas.annotations.Parameter(hidden = true) @RequestBody JsonNode body) {
        return new SnapshotForgotten(batches.forgetSnapshot(type, body));
    }

    @PostMapping(path = "/{type}/batches", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    @Operation(summary = "Sync one batch synchronously; the answer has one result per row, in input order",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ApiDocs.BatchRequest.class),
                    examples = @ExampleObject(value = ApiDocs.BATCH_EXAMPLE))))
    @ApiResponse(responseCode = "200", description = "per-row results (also when rows failed); header "
            + "Idempotent-Replayed: true when this is a stored answer. A dry run (dryRun: true) answers planned rows "
            + "with their action, summary.planned and plan {requests, bodies?, notChecked?}; nothing was sent")
    @ProblemResponse(code = "400", description = "malformed JSON; invalid syncId, batchId, connection, "
            + "connectionRef (unknown, of another type, or given with connection), objectType, mode, options; duplicate row ids; change missing in mirror mode or present outside it "
            + "(errors[] with JSON Pointers)")
    @ProblemResponse(code = "404", description = "unknown destination type")
    @ProblemResponse(code = "409", description = "same syncId+batchId with a different payload, or still in "
            + "progress; or (mode replace) a replace for the same target is running (snapshot-busy)")
    @ProblemResponse(code = "413", description = "more rows than pushsync.batch.max-rows, or a body larger than "
            + "pushsync.batch.max-body-size")
    @ProblemResponse(code = "415", description = "the body is not JSON")
    @ProblemResponse(code = "408", description = "the body did not arrive within pushsync.batch.body-read-timeout "
            + "(body-read-timeout): stopped while it was read, nothing sent")
    @ProblemResponse(code = "503", description = "no room in memory for the body within pushsync.batch.memory-wait "
            + "(batch-memory-full, Retry-After): nothing was read or sent")
    public ResponseEntity<BatchResponse> batch(@PathVariable String type,
            @io.swagger.v3.oas.annotations.Parameter(hidden = true) HttpServletRequest body) {
        BatchService.Execution execution;
        try (BatchRoom.Taken taken = room.take(body.getContentLengthLong())) {
            execution = batches.execute(type, bodies.read(body, properties.maxRows(),
                    properties.maxBodySize().toBytes(), "pushsync.batch.max-body-size"));
        }
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (execution.replayed()) {
            ok.header(REPLAYED_HEADER, "true");
        }
        return ok.body(execution.response());
    }
}
