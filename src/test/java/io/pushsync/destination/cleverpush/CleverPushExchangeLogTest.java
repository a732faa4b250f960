package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.node.ObjectNode;

/** Every non-2xx call is one log line carrying the batch's context, also for calls started on I/O threads. */
@ExtendWith(OutputCaptureExtension.class)
class CleverPushExchangeLogTest extends CleverPushWireMockSupport {

    @Test
    void everyRefusedCallIsLoggedWithTheBatchContext(CapturedOutput output) throws Exception {
        String channel = freshChannel("logs");
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"unknown attribute\"}")));
        ObjectNode body = batch("subscriptions", "upsert", channel, subscriptions(30, "r"));
        String batchId = body.get("batchId").asString();

        postBatch(body);

        List<String> lines = Arrays.stream(output.getAll().split("\\R"))
                .filter(l -> l.contains("cleverpush POST /subscription/sync/{channelId} -> 400")).toList();
        // 30 calls, more than the concurrency window of 8: later ones start on I/O threads
        assertThat(lines).hasSize(30).allMatch(l -> l.contains(batchId) && l.contains("unknown attribute"));
    }
}
