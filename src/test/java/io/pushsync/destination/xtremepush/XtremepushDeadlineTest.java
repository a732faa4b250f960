package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The batch's time budget ({@code pushsync.batch.deadline}) bounds vendor calls and Retry-After waits. Chunks go one
 * after another here, so that a slow chunk holds back the next (with chunks in flight together:
 * {@link XtremepushPipelineTest}).
 */
@TestPropertySource(properties = {
        "pushsync.batch.deadline=2s",
        "pushsync.xtremepush.chunk-size=2",
        "pushsync.xtremepush.chunks-in-flight=1",
})
class XtremepushDeadlineTest extends XtremepushWireMockSupport {

    @Test
    void aSlowVendorEndsTheRemainingRowsWithDeadlineExceeded() throws Exception {
        // the first chunk (u-0, u-1) is answered at once, the second (u-2, u-3) too late
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).withRequestBody(containing("\"u-2\""))
                .willReturn(okJson(envelope(200, "ok")).withFixedDelay(5000)));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(10).willReturn(okJson(envelope(200, "ok"))));

        long started = System.nanoTime();
        JsonNode response = postBatch(profiles(profiles(6, "r")));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        JsonNode results = response.get("results");
        assertThat(results.size()).isEqualTo(6);
        assertThat(results.get(0).get("status").asString()).isEqualTo("succeeded");
        assertThat(results.get(1).get("status").asString()).isEqualTo("succeeded");
        for (int i = 2; i < 6; i++) {
            assertFailed(results.get(i), "deadline_exceeded", true);
        }
        assertThat(took).isLessThan(Duration.ofMillis(4500));
        // the third chunk was never sent
        assertThat(requestsTo(PROFILE_PATH)).hasSize(2);
    }

    @Test
    void aRetryAfterLongerThanTheRemainingBudgetIsNotWaitedFor() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "30").withBody(envelope(429, "Slow down"))));

        long started = System.nanoTime();
        JsonNode response = postBatch(profiles(profiles(2, "r")));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertAllFailed(response, "rate_limited", true);
        assertThat(response.get("results").get(0).get("error").get("message").asString())
                .contains("retry after 30s");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        // one chunk, not retried: the wait does not fit in the budget
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }
}
