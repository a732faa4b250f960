package io.pushsync.api;

import io.pushsync.sync.connections.ConnectionSummary;
import io.pushsync.sync.connections.NamedConnections;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/connections}: the connections defined on the server ({@code pushsync.connections.*}). */
@Tag(name = "connections", description = "connections defined on the server, for connectionRef")
@ProblemResponse.Unauthorized
@RestController
public class ConnectionController {

    private final NamedConnections connections;

    public ConnectionController(NamedConnections connections) {
        this.connections = connections;
    }

    @Operation(summary = "The named connections a batch, job or connection check can give as connectionRef: name, "
            + "type and (xtremepush) listIds; never a secret")
    @ApiResponse(responseCode = "200", description = "every named connection, by name", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE,
            array = @ArraySchema(schema = @Schema(implementation = ConnectionSummary.class))))
    @GetMapping(path = "/v1/connections", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<ConnectionSummary> connections() {
        return connections.summaries();
    }
}
