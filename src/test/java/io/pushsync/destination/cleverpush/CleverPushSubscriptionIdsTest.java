package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code options.subscriptionIdKind=user_id}: the row's subscription_id is the warehouse's user id, resolved to the
 * native id with {@code GET /subscription?channelId&attributeId=user_id&attribute_value}, once per user, cached.
 */
class CleverPushSubscriptionIdsTest extends CleverPushWireMockSupport {

    /** Every user {@code u} is the subscription {@code n-u}. */
    private void everyUserIsKnown(String channel) {
        wireMock.stubFor(lookup(channel).atPriority(50).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"_id\": \"n-{{request.query.attribute_value}}\", \"customAttributes\": {}}")
                .withTransformers("response-template")));
    }

    private static MappingBuilder lookup(String channel) {
        return get(urlPathEqualTo("/subscription")).withQueryParam("channelId", equalTo(channel))
                .withQueryParam("attributeId", equalTo("user_id"));
    }

    private static MappingBuilder lookup(String channel, String userId) {
        return lookup(channel).withQueryParam("attribute_value", equalTo(userId));
    }

    private int lookups(String channel) {
        return wireMock.findAll(getRequestedFor(urlPathEqualTo("/subscription"))
                .withQueryParam("channelId", equalTo(channel))).size();
    }

    private static ObjectNode byUserId(ObjectNode batch) {
        batch.putObject("options").put("subscriptionIdKind", "user_id");
        return batch;
    }

    @Test
    void aThousandTagRowsLookUpEachDistinctUserOnceAndASecondBatchNone() throws Exception {
        String channel = freshChannel("ids-many");
        everyUserIsKnown(channel);
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(tagRow("r" + i, null, "u" + (i % 100), "t1,t2"));
        }

        JsonNode first = postBatch(byUserId(batch("tags", "add", channel, rows)));

        assertAllSucceeded(first);
        assertThat(lookups(channel)).as("one look-up per distinct user, not per row or tag").isEqualTo(100);
        List<LoggedRequest> calls = requestsTo(TAG_ADD_PATH);
        assertThat(calls).hasSize(2000);
        Set<String> subscriptions = new HashSet<>();
        for (LoggedRequest call : calls) {
            String native_ = bodyOf(call).get("subscriptionId").asString();
            assertThat(native_).startsWith("n-u");
            subscriptions.add(native_);
        }
        assertThat(subscriptions).hasSize(100);

        JsonNode second = postBatch(byUserId(batch("tags", "remove", channel, rows)));

        assertAllSucceeded(second);
        assertThat(lookups(channel)).as("the cache holds them: no more look-ups").isEqualTo(100);
        assertThat(requestsTo(TAG_REMOVE_PATH)).hasSize(2000);
    }

    @Test
    void theLookUpIsExactAndAUserIdIsEncodedInFull() throws Exception {
        String channel = freshChannel("ids-wire");
        String userId = "ann+1@example.com&x={y}";
        wireMock.stubFor(lookup(channel, userId).atPriority(1)
                .willReturn(okJson("{\"subscription\": {\"_id\": \"native-ann\"}}")));

        JsonNode response = postBatch(byUserId(batch("subscriptions", "remove", channel,
                List.of(subscription("r1", null, userId)))));

        assertAllSucceeded(response);
        List<LoggedRequest> seen = wireMock.findAll(getRequestedFor(urlPathEqualTo("/subscription")));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).getUrl()).isEqualTo("/subscription?channelId=" + channel
                + "&attributeId=user_id&attribute_value=ann%2B1%40example.com%26x%3D%7By%7D");
        assertThat(seen.get(0).getHeader("Authorization")).isEqualTo(API_KEY);
        wireMock.verify(1, postRequestedFor(urlEqualTo(UNSUBSCRIBE_PATH)).withRequestBody(equalToJson(
                "{\"channelId\": \"" + channel + "\", \"subscriptionId\": \"native-ann\"}")));
    }

    @Test
    void aUserWithNoSubscriptionFailsItsRowNotRetryableAndSendsNothingForIt() throws Exception {
        String channel = freshChannel("ids-missing");
        everyUserIsKnown(channel);
        wireMock.stubFor(lookup(channel, "gone-404").atPriority(1)
                .willReturn(aResponse().withStatus(404).withBody("{\"error\": \"Subscription not found\"}")));
        wireMock.stubFor(lookup(channel, "gone-empty").atPriority(1).willReturn(okJson("{}")));
        wireMock.stubFor(lookup(channel, "gone-list").atPriority(1).willReturn(okJson("{\"subscriptions\": []}")));
        wireMock.stubFor(lookup(channel, "gone-blank").atPriority(1).willReturn(aResponse().withStatus(200)));

        JsonNode response = postBatch(byUserId(batch("tags", "add", channel, List.of(
                tagRow("a", null, "gone-404", "t1,t2"), tagRow("b", null, "here", "t1"),
                tagRow("c", null, "gone-empty", "t1"), tagRow("d", null, "gone-list", "t1"),
                tagRow("e", null, "gone-blank", "t1")))));

        JsonNode results = response.get("results");
        for (int i : new int[] {0, 2, 3, 4}) {
            assertFailed(results.get(i), "subscription_not_found", false);
            assertThat(results.get(i).get("error").get("field").asString()).isEqualTo("subscription_id");
            assertThat(message(results.get(i))).contains("has the user id 'gone-");
        }
        assertSucceeded(results.get(1));
        List<LoggedRequest> calls = requestsTo(TAG_ADD_PATH);
        assertThat(calls).hasSize(1);
        assertThat(bodyOf(calls.get(0)).get("subscriptionId").asString()).isEqualTo("n-here");

        // not found is not remembered: a later batch asks again
        postBatch(byUserId(batch("tags", "add", channel, List.of(tagRow("a", null, "gone-404", "t1")))));
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/subscription"))
                .withQueryParam("attribute_value", equalTo("gone-404")))).hasSize(2);
    }

    @Test
    void aRateLimitedLookUpIsRetriedAfterRetryAfter() throws Exception {
        String channel = freshChannel("ids-429");
        wireMock.stubFor(lookup(channel, "u1").atPriority(1).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
                .willSetStateTo("ok"));
        wireMock.stubFor(lookup(channel, "u1").atPriority(1).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"_id\": \"native-1\"}")));

        long started = System.nanoTime();
        JsonNode response = postBatch(byUserId(batch("tags", "add", channel, List.of(tagRow("r", null, "u1", "t1")))));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertAllSucceeded(response);
        assertThat(lookups(channel)).isEqualTo(2);
        assertThat(millis).as("Retry-After: 1 was waited out").isGreaterThanOrEqualTo(900);
        assertThat(bodyOf(requestsTo(TAG_ADD_PATH).get(0)).get("subscriptionId").asString()).isEqualTo("native-1");
    }

    @Test
    void aServerErrorThenAnAnswerSucceedsAndAPersistentOneFailsRetryable() throws Exception {
        String channel = freshChannel("ids-5xx");
        wireMock.stubFor(lookup(channel, "u1").atPriority(1).inScenario("5xx").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        wireMock.stubFor(lookup(channel, "u1").atPriority(1).inScenario("5xx").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"id\": \"native-1\"}")));
        wireMock.stubFor(lookup(channel, "u2").atPriority(1).willReturn(aResponse().withStatus(502)));

        JsonNode response = postBatch(byUserId(batch("tags", "add", channel, List.of(
                tagRow("a", null, "u1", "t1"), tagRow("b", null, "u2", "t1,t2")))));

        JsonNode results = response.get("results");
        assertSucceeded(results.get(0));
        assertFailed(results.get(1), "destination_unavailable", true);
        assertThat(message(results.get(1))).as("the row's error, not one per tag").doesNotContain("tag(s) failed");
        List<LoggedRequest> calls = requestsTo(TAG_ADD_PATH);
        assertThat(calls).hasSize(1);
        assertThat(bodyOf(calls.get(0)).get("subscriptionId").asString()).isEqualTo("native-1");
    }

    @Test
    void anUnreadableLookUpAnswerFailsTheRowRetryableAndIsNotRemembered() throws Exception {
        String channel = freshChannel("ids-garbage");
        wireMock.stubFor(lookup(channel, "u1").atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html>proxy says hi</html>")));

        JsonNode response = postBatch(byUserId(batch("tags", "add", channel, List.of(tagRow("r", null, "u1", "t1")))));

        assertFailed(response.get("results").get(0), "destination_unavailable", true);
        assertThat(message(response.get("results").get(0))).contains("could not be read");
        assertThat(requestsTo(TAG_ADD_PATH)).isEmpty();
    }

    @Test
    void aRefusedKeyOnTheLookUpStopsTheBatch() throws Exception {
        String channel = freshChannel("ids-401");
        wireMock.stubFor(lookup(channel).atPriority(1)
                .willReturn(aResponse().withStatus(401).withBody("{\"error\": \"invalid key\"}")));
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(tagRow("r" + i, null, "u" + i, "t1"));
        }

        JsonNode response = postBatch(byUserId(batch("tags", "add", channel, rows)));

        assertAllFailed(response, "destination_auth_failed", false);
        assertThat(requestsTo(TAG_ADD_PATH)).isEmpty();
        assertThat(lookups(channel)).as("at most one concurrency window after the 401").isLessThanOrEqualTo(16);
    }

    @Test
    void aSubscriptionSyncSendsTheResolvedIdAndRemembersTheIdOfOneItCreated() throws Exception {
        String channel = freshChannel("ids-sync");
        wireMock.stubFor(lookup(channel, "known").atPriority(1).willReturn(okJson("{\"_id\": \"native-known\"}")));
        wireMock.stubFor(lookup(channel, "new").atPriority(1).willReturn(aResponse().withStatus(404)));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                .willReturn(okJson("{\"success\": true, \"id\": \"native-created\"}")));

        JsonNode response = postBatch(byUserId(batch("subscriptions", "upsert", channel, List.of(
                subscription("a", null, "known"), subscription("b", null, "new")))));

        assertAllSucceeded(response);
        Map<String, JsonNode> bodies = new HashMap<>();
        for (LoggedRequest r : requestsTo(syncPath(channel))) {
            JsonNode body = bodyOf(r);
            bodies.put(body.get("customAttributes").get("user_id").asString(), body);
        }
        assertThat(bodies.get("known").get("subscriptionId").asString()).isEqualTo("native-known");
        assertThat(bodies.get("new").has("subscriptionId")).as("an unknown user is created").isFalse();

        // the created subscription's id is kept: tagging that user needs no look-up
        JsonNode tags = postBatch(byUserId(batch("tags", "add", channel, List.of(tagRow("t", null, "new", "t1")))));
        assertAllSucceeded(tags);
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/subscription"))
                .withQueryParam("attribute_value", equalTo("new")))).hasSize(1);
        assertThat(bodyOf(requestsTo(TAG_ADD_PATH).get(0)).get("subscriptionId").asString())
                .isEqualTo("native-created");
    }

    @Test
    void anIdTheVendorNoLongerKnowsIsForgottenAndTheRowRetryable() throws Exception {
        String channel = freshChannel("ids-stale");
        everyUserIsKnown(channel);
        postBatch(byUserId(batch("tags", "add", channel, List.of(tagRow("r", null, "u1", "t1")))));
        assertThat(lookups(channel)).isEqualTo(1);
        wireMock.stubFor(post(urlEqualTo(TAG_ADD_PATH)).atPriority(1)
                .willReturn(aResponse().withStatus(404).withBody("{\"error\": \"Subscription not found\"}")));

        JsonNode stale = postBatch(byUserId(batch("tags", "add", channel, List.of(tagRow("r", null, "u1", "t1")))));

        assertFailed(stale.get("results").get(0), "destination_not_found", true);
        assertThat(message(stale.get("results").get(0))).contains("looks it up again");
        postBatch(byUserId(batch("tags", "add", channel, List.of(tagRow("r", null, "u1", "t1")))));
        assertThat(lookups(channel)).as("the forgotten id is looked up again").isEqualTo(2);
    }

    @Test
    void withTheDefaultNativeKindNothingIsLookedUp() throws Exception {
        String channel = freshChannel("ids-native");

        JsonNode response = postBatch(batch("tags", "add", channel, List.of(tagRow("r", null, "sub-9", "t1"))));

        assertAllSucceeded(response);
        assertThat(lookups(channel)).isZero();
        assertThat(bodyOf(requestsTo(TAG_ADD_PATH).get(0)).get("subscriptionId").asString()).isEqualTo("sub-9");
    }
}
