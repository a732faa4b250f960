package io.pushsync.destination.cleverpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/**
 * Channel ids go into CleverPush paths; the {@code uri} tag of the client metrics is the path's template, so a
 * metric series does not grow per channel (nor does a log line name one).
 */
class CleverPushMetricsCardinalityTest extends CleverPushWireMockSupport {

    @Test
    void clientMetricsNameThePathTemplateNeverAChannel() throws Exception {
        String channel = freshChannel("cardinality");
        assertAllSucceeded(postBatch(subscriptions(List.of(subscription("r1", null, "s-1")))
                .put("batchId", "cardinality-1")));
        assertAllSucceeded(postBatch(postBatchBody(channel)));
        wireMock.verify(1, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(syncPath(channel))));

        String metrics = mvc.perform(MockMvcRequestBuilders.get("/actuator/prometheus")).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);

        List<String> client = metrics.lines().filter(l -> l.startsWith("http_client_requests")).toList();
        assertThat(client).as(metrics).anyMatch(l -> l.contains("uri=\"/subscription/sync/{channelId}\""))
                .anyMatch(l -> l.contains("uri=\"/channel/{channelId}/tags\""));
        assertThat(metrics).doesNotContain(channel).doesNotContain(CHANNEL);
    }

    private static tools.jackson.databind.node.ObjectNode postBatchBody(String channel) {
        return batch("subscriptions", "upsert", channel, List.of(subscription("r1", null, "s-2")));
    }
}
