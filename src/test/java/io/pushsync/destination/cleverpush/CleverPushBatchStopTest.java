package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A 401/403 (or a 404 on the channel) mid-batch stops it: at most one concurrency window of calls goes out after
 * the first refusal, confirmed rows stay confirmed, every other row fails. Same properties as
 * {@link CleverPushConcurrencyTest}, so both share one application context.
 */
@TestPropertySource(properties = "pushsync.cleverpush.concurrency=4")
class CleverPushBatchStopTest extends CleverPushWireMockSupport {

    private static final int ROWS = 100;
    private static final int CONFIRMED = 10;
    private static final int CONCURRENCY = 4;

    /** Rows s-0..s-9 are confirmed, every later row is answered {@code status}. */
    private void stubFirstRowsOkThen(String channel, int status, String error) {
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", matching("s-[0-9]")))
                .willReturn(okJson("{\"success\":true}")));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(10)
                .willReturn(aResponse().withStatus(status).withBody("{\"error\":\"" + error + "\"}")));
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void anAuthRefusalMidBatchStopsItWithinOneConcurrencyWindow(int status) throws Exception {
        String channel = freshChannel("stop" + status);
        stubFirstRowsOkThen(channel, status, "API key revoked");

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(ROWS, "r")));

        JsonNode results = response.get("results");
        for (int i = 0; i < CONFIRMED; i++) {
            assertSucceeded(results.get(i));
        }
        for (int i = CONFIRMED; i < ROWS; i++) {
            assertFailed(results.get(i), "destination_auth_failed", false);
        }
        assertThat(message(results.get(ROWS - 1))).contains(String.valueOf(status), "API key revoked");
        int calls = requestsTo(syncPath(channel)).size();
        System.out.printf("cleverpush: %d mid-batch: %d of %d row calls sent%n", status, calls, ROWS);
        // the confirmed rows, the refused call, and at most the rest of one window already in flight
        assertThat(calls).isGreaterThan(CONFIRMED).isLessThanOrEqualTo(CONFIRMED + CONCURRENCY);
        assertThat(channelChecks(channel)).isEqualTo(1);
    }

    @Test
    void aStopCutsShortTheCallsStillRetryingSoTheirRowsFailAsAuthAndNothingMoreIsSent() throws Exception {
        String channel = freshChannel("stopretry");
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", matching("s-0")))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"API key revoked\"}")
                        .withFixedDelay(300)));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(10)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));

        long started = System.nanoTime();
        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(20, "r")));
        long millis = (System.nanoTime() - started) / 1_000_000;

        for (JsonNode result : response.get("results")) {
            assertFailed(result, "destination_auth_failed", false);
        }
        // the first window only: no retry of the 429'd calls after the stop, no wait for their Retry-After
        assertThat(requestsTo(syncPath(channel)).size()).isLessThanOrEqualTo(CONCURRENCY);
        assertThat(millis).as("no 30 s Retry-After waited out").isLessThan(10_000);
    }

    @Test
    void aChannel404OnSyncMidBatchStopsIt() throws Exception {
        String channel = freshChannel("stop404");
        stubFirstRowsOkThen(channel, 404, "Channel not found");

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(ROWS, "r")));

        JsonNode results = response.get("results");
        for (int i = 0; i < CONFIRMED; i++) {
            assertSucceeded(results.get(i));
        }
        for (int i = CONFIRMED; i < ROWS; i++) {
            assertFailed(results.get(i), "destination_not_found", false);
        }
        assertThat(requestsTo(syncPath(channel)).size()).isGreaterThan(CONFIRMED)
                .isLessThanOrEqualTo(CONFIRMED + CONCURRENCY);
    }

    @Test
    void anAuthRefusalOnTagCallsStopsTheBatchToo() throws Exception {
        String channel = freshChannel("stoptag");
        wireMock.stubFor(post(urlEqualTo(TAG_ADD_PATH))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"Invalid API key\"}")));
        java.util.List<tools.jackson.databind.node.ObjectNode> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(tagRow("r" + i, null, "s-" + i, "a,b,c"));
        }

        JsonNode response = postBatch(batch("tags", "add", channel, rows));

        assertAllFailed(response, "destination_auth_failed", false);
        assertThat(response.get("results").get(0).get("error").get("field").asString()).isEqualTo("tags");
        assertThat(requestsTo(TAG_ADD_PATH).size()).isBetween(1, CONCURRENCY);
    }
}
