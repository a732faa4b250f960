package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Done-when: concurrent calls make a batch of slow calls far faster than one call after another. */
class CleverPushThroughputTest extends CleverPushWireMockSupport {

    @Test
    void fortyRowsAgainstA200msVendorFinishWellUnderTheSequentialTime() throws Exception {
        String channel = freshChannel("tp");
        wireMock.stubFor(post(urlEqualTo(syncPath(channel)))
                .willReturn(okJson("{\"success\":true}").withFixedDelay(200)));

        long started = System.nanoTime();
        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(40, "r")));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("cleverpush: 40 rows against a 200 ms vendor took %d ms (sequential: 8000 ms)%n", tookMs);

        assertAllSucceeded(response);
        assertThat(requestsTo(syncPath(channel))).hasSize(40);
        assertThat(tookMs).isLessThan(4000);
        assertThat(response.get("durationMs").asLong()).isLessThan(4000);
    }
}
