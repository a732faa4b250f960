package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The batch's time budget ({@code pushsync.batch.deadline}) bounds the calls and the calls not yet sent. */
@TestPropertySource(properties = "pushsync.batch.deadline=2s")
class CleverPushDeadlineTest extends CleverPushWireMockSupport {

    @Test
    void aSlowVendorEndsTheRemainingRowsWithDeadlineExceeded() throws Exception {
        String channel = freshChannel("dl");
        // rows s-0..s-3 are answered at once, every later row far too late
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(10)
                .willReturn(okJson("{\"success\":true}").withFixedDelay(5000)));
        for (int i = 0; i < 4; i++) {
            wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                    .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-" + i)))
                    .willReturn(okJson("{\"success\":true}")));
        }

        long started = System.nanoTime();
        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(30, "r")));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("cleverpush: the 2s-deadline batch answered after %d ms%n", took.toMillis());

        JsonNode results = response.get("results");
        for (int i = 0; i < 4; i++) {
            assertSucceeded(results.get(i));
        }
        for (int i = 4; i < 30; i++) {
            assertFailed(results.get(i), "deadline_exceeded", true);
        }
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1800)).isLessThan(Duration.ofMillis(4500));
        // at most one concurrency window (8) of slow calls went out; the rest were never sent
        assertThat(requestsTo(syncPath(channel)).size()).isBetween(5, 4 + 8);
    }

    @Test
    void aRetryAfterLongerThanTheRemainingBudgetIsNotWaitedFor() throws Exception {
        String channel = freshChannel("dlra");
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "30").withBody("{\"error\":\"Slow down\"}")));
        // warm up (first request of a fresh context) so that the timing below measures the batch alone; on a busy
        // machine the very first batch can outlast the 2s budget, so up to three tries, the last one must succeed
        JsonNode warm = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            warm = postBatch(batch("subscriptions", "upsert", freshChannel("warm"), subscriptions(1, "r")));
            if ("succeeded".equals(warm.path("results").path(0).path("status").asString())) {
                break;
            }
        }
        assertAllSucceeded(warm);

        long started = System.nanoTime();
        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(1, "r")));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertAllFailed(response, "rate_limited", true);
        assertThat(message(response.get("results").get(0))).contains("retry after 30s",
                "beyond the batch's remaining time budget");
        System.out.printf("cleverpush: a 30s Retry-After with a 2s budget answered after %d ms%n", took.toMillis());
        // rate_limited (not deadline_exceeded) already shows it was answered before the 2s budget ran out
        assertThat(requestsTo(syncPath(channel))).hasSize(1);
    }
}
