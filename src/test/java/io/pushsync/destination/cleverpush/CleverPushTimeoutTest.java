package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** A vendor that does not answer within {@code pushsync.cleverpush.request-timeout} is retried like a 5xx. */
@TestPropertySource(properties = "pushsync.cleverpush.request-timeout=300ms")
class CleverPushTimeoutTest extends CleverPushWireMockSupport {

    @Test
    void aReadTimeoutIsRetriedAndThenFailsTheRowsAsUnavailable() throws Exception {
        String channel = freshChannel("to");
        wireMock.stubFor(post(urlEqualTo(syncPath(channel)))
                .willReturn(okJson("{\"success\":true}").withFixedDelay(1500)));

        long started = System.nanoTime();
        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(2, "r")));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertAllFailed(response, "destination_unavailable", true);
        assertThat(message(response.get("results").get(0))).contains("did not answer", "300 ms",
                "after 4 attempts");
        // four attempts of 300ms each (the rows run concurrently), not four times the 1.5s the stub takes
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1200)).isLessThan(Duration.ofMillis(5000));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(requestsTo(syncPath(channel)))
                .hasSize(8));
    }
}
