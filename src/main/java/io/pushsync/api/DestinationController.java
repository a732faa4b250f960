package io.pushsync.api;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.BatchService;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.catalog.DestinationDescriptor;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The catalog, connection checks and synchronous batches of {@code /v1/destinations}. */
@RestController
@RequestMapping(path = "/v1/destinations", produces = MediaType.APPLICATION_JSON_VALUE)
public class DestinationController {

    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final DestinationRegistry registry;
    private final BatchService batches;

    public DestinationController(DestinationRegistry registry, BatchService batches) {
        this.registry = registry;
        this.batches = batches;
    }

    @GetMapping
    public List<DestinationDescriptor> catalog() {
        return registry.catalog();
    }

    @GetMapping("/{type}")
    public DestinationDescriptor destination(@PathVariable String type) {
        return registry.get(type).descriptor();
    }

    @PostMapping(path = "/{type}/connection-checks",
            consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    public ConnectionCheckResult checkConnection(@PathVariable String type, @RequestBody JsonNode body) {
        return batches.checkConnection(type, body);
    }

    @PostMapping(path = "/{type}/batches", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    public ResponseEntity<BatchResponse> batch(@PathVariable String type, @RequestBody JsonNode body) {
        BatchService.Execution execution = batches.execute(type, body);
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (execution.replayed()) {
            ok.header(REPLAYED_HEADER, "true");
        }
        return ok.body(execution.response());
    }
}
