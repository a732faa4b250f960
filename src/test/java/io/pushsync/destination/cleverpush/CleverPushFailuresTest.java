package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** How vendor answers become row outcomes: retries, non-retryable refusals, per-row and batch-wide failures. */
class CleverPushFailuresTest extends CleverPushWireMockSupport {

    @Test
    void a503IsRetriedAndTheRowSucceeds() throws Exception {
        String channel = freshChannel("f503");
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).inScenario("503").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":\"maintenance\"}"))
                .willSetStateTo("up"));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).inScenario("503").whenScenarioStateIs("up")
                .willReturn(okJson("{\"success\":true}")));

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(1, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(syncPath(channel))).hasSize(2);
    }

    @Test
    void aPersistent500FailsTheRowRetryablyAfterExactlyFourAttempts() throws Exception {
        String channel = freshChannel("f500");
        wireMock.stubFor(post(urlEqualTo(syncPath(channel)))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"internal\"}")));

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(1, "r")));

        assertAllFailed(response, "destination_unavailable", true);
        assertThat(message(response.get("results").get(0))).contains("500", "internal", "after 4 attempts");
        assertThat(requestsTo(syncPath(channel))).hasSize(4);
    }

    @Test
    void aPersistent429FailsTheRowAsRateLimitedAfterFourAttempts() throws Exception {
        String channel = freshChannel("f429");
        wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_PATH))
                .willReturn(aResponse().withStatus(429).withBody("{\"error\":\"Too many requests\"}")));

        JsonNode response = postBatch(batch("subscriptions", "remove", channel, subscriptions(1, "r")));

        assertAllFailed(response, "rate_limited", true);
        assertThat(message(response.get("results").get(0))).contains("429", "after 4 attempts");
        assertThat(requestsTo(UNSUBSCRIBE_PATH)).hasSize(4);
    }

    @Test
    void a2xxWithAnErrorIsRejectedAfterOneAttempt() throws Exception {
        wireMock.stubFor(post(urlEqualTo(syncPath(CHANNEL))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-1")))
                .willReturn(okJson("{\"error\":\"Custom attribute plan does not exist\"}")));

        JsonNode response = postBatch(subscriptions(subscriptions(3, "r")));

        JsonNode results = response.get("results");
        assertSucceeded(results.get(0));
        assertFailed(results.get(1), "rejected_by_destination", false);
        assertThat(message(results.get(1))).contains("Custom attribute plan does not exist");
        assertSucceeded(results.get(2));
        assertThat(requestsTo(syncPath(CHANNEL))).hasSize(3);
    }

    @Test
    void aSuccessWithAnEmptyErrorStringIsASuccess() throws Exception {
        wireMock.stubFor(post(urlEqualTo(syncPath(CHANNEL))).willReturn(okJson("{\"success\":true,\"error\":\"\"}")));

        assertAllSucceeded(postBatch(subscriptions(subscriptions(2, "r"))));
    }

    @Test
    void garbageBodiesLetTheStatusDecide() throws Exception {
        String channel = freshChannel("garbage");
        // s-0: a 2xx that is not JSON is a success; s-1: an HTML 400 is a refusal with the raw text;
        // s-2: an HTML 502 is retried, then succeeds
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-0")))
                .willReturn(aResponse().withStatus(200).withBody("<html>ok</html>")));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-1")))
                .willReturn(aResponse().withStatus(400).withBody("<html>Bad Request</html>")));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1).inScenario("502")
                .whenScenarioStateIs(STARTED)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-2")))
                .willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>"))
                .willSetStateTo("up"));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1).inScenario("502").whenScenarioStateIs("up")
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-2")))
                .willReturn(aResponse().withStatus(200).withBody("\u0000garbage")));

        JsonNode results = postBatch(batch("subscriptions", "upsert", channel, subscriptions(3, "r"))).get("results");

        assertSucceeded(results.get(0));
        assertFailed(results.get(1), "rejected_by_destination", false);
        assertThat(message(results.get(1))).contains("400", "<html>Bad Request</html>");
        assertSucceeded(results.get(2));
        assertThat(requestsTo(syncPath(channel))).hasSize(4);
    }

    @Test
    void a400IsRejectedWithTheVendorsWordsAfterOneAttempt() throws Exception {
        wireMock.stubFor(post(urlEqualTo(syncPath(CHANNEL))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-0")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"A new subscription needs an email, phone or token\"}")));

        JsonNode response = postBatch(subscriptions(subscriptions(2, "r")));

        JsonNode results = response.get("results");
        assertFailed(results.get(0), "rejected_by_destination", false);
        assertThat(message(results.get(0))).contains("400", "A new subscription needs an email, phone or token");
        assertSucceeded(results.get(1));
        assertThat(requestsTo(syncPath(CHANNEL))).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void aPreflightAuthFailureFailsEveryRowWithoutAnyRowCall(int status) throws Exception {
        wireMock.stubFor(get(urlEqualTo(channelPath(CHANNEL)))
                .willReturn(aResponse().withStatus(status).withBody("{\"error\":\"Invalid API key\"}")));

        JsonNode response = postBatch(subscriptions(subscriptions(5, "r")));

        assertAllFailed(response, "destination_auth_failed", false);
        assertThat(message(response.get("results").get(4))).contains(String.valueOf(status), "Invalid API key");
        assertThat(channelChecks(CHANNEL)).isEqualTo(1);
        assertThat(rowCalls()).isZero();
    }

    @Test
    void aPreflight404FailsEveryRowAsNotFoundWithoutAnyRowCall() throws Exception {
        wireMock.stubFor(get(urlEqualTo(channelPath("noSuchChannel")))
                .willReturn(aResponse().withStatus(404).withBody("{\"error\":\"Channel not found\"}")));

        JsonNode response = postBatch(batch("tags", "add", "noSuchChannel",
                List.of(tagRow("r0", null, "s-0", "a,b"), tagRow("r1", null, "s-1", "c"))));

        assertAllFailed(response, "destination_not_found", false);
        assertThat(message(response.get("results").get(0))).contains("404", "Channel not found");
        assertThat(channelChecks("noSuchChannel")).isEqualTo(1);
        assertThat(rowCalls()).isZero();
    }

    @Test
    void a404OnUnsubscribeFailsOnlyThatRow() throws Exception {
        wireMock.stubFor(post(urlEqualTo(UNSUBSCRIBE_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.subscriptionId", equalTo("s-2")))
                .willReturn(aResponse().withStatus(404).withBody("{\"error\":\"Subscription not found\"}")));

        JsonNode response = postBatch(batch("subscriptions", "remove", CHANNEL, subscriptions(6, "r")));

        JsonNode results = response.get("results");
        for (int i = 0; i < 6; i++) {
            if (i == 2) {
                assertFailed(results.get(i), "destination_not_found", false);
                assertThat(message(results.get(i))).contains("Subscription not found");
            } else {
                assertSucceeded(results.get(i));
            }
        }
        assertThat(requestsTo(UNSUBSCRIBE_PATH)).hasSize(6);
    }

    @Test
    void rowsFinishingOutOfOrderStillComeBackInInputOrderWithTheirOwnOutcomes() throws Exception {
        int n = 6;
        for (int i = 0; i < n; i++) {
            // row 0 answers last, row 5 first; row 3 is refused
            int delay = 100 + (n - i) * 120;
            String body = i == 3 ? "{\"error\":\"Invalid attribute for s-3\"}" : "{\"success\":true}";
            wireMock.stubFor(post(urlEqualTo(syncPath(CHANNEL))).atPriority(1)
                    .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-" + i)))
                    .willReturn(aResponse().withStatus(i == 3 ? 422 : 200)
                            .withHeader("Content-Type", "application/json").withBody(body).withFixedDelay(delay)));
        }
        List<ObjectNode> rows = subscriptions(n, "r");

        JsonNode response = postBatch(subscriptions(rows));

        JsonNode results = response.get("results");
        for (int i = 0; i < n; i++) {
            assertThat(results.get(i).get("id").asString()).isEqualTo("r" + i);
            if (i == 3) {
                assertFailed(results.get(i), "rejected_by_destination", false);
                assertThat(message(results.get(i))).contains("422", "Invalid attribute for s-3");
            } else {
                assertSucceeded(results.get(i));
            }
        }
        // the vendor really did finish them in reverse order
        List<ServeEvent> events = serveEventsTo(syncPath(CHANNEL));
        assertThat(events).hasSize(n);
        List<String> completionOrder = new ArrayList<>();
        events.stream().sorted((a, b) -> Long.compare(endMillis(a), endMillis(b)))
                .forEach(e -> completionOrder.add(bodyOf(e.getRequest()).get("customAttributes").get("user_id")
                        .asString()));
        assertThat(completionOrder.get(0)).isEqualTo("s-5");
        assertThat(completionOrder.get(n - 1)).isEqualTo("s-0");
    }
}
