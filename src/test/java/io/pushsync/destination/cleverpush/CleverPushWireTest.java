package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What each row puts on the wire: paths, bodies and the raw API key header. */
class CleverPushWireTest extends CleverPushWireMockSupport {

    @Test
    void aSubscriptionRowBecomesOneSyncWithTopLevelFieldsAndCustomAttributes() throws Exception {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", "r1");
        ObjectNode fields = row.putObject("fields");
        fields.put("subscription_id", " sub-1 ");
        fields.put("email", "  Ann.Lee@Example.COM ");
        fields.put("phone", "+353 (85) 012-3456");
        fields.put("topics", "a, b,a");
        fields.put("language", " de ");
        fields.put("country", "DE");
        fields.put("plan", "gold");
        fields.put("score", 42);
        fields.put("vip", true);
        ObjectNode prefs = fields.putObject("prefs");
        prefs.put("newsletter", "weekly");
        prefs.putArray("channels").add("push").add("mail");

        JsonNode response = postBatch(subscriptions(List.of(row)));

        assertAllSucceeded(response);
        assertThat(channelChecks(CHANNEL)).isEqualTo(1);
        wireMock.verify(1, getRequestedFor(urlEqualTo("/channel/" + CHANNEL + "/tags"))
                .withHeader("Authorization", equalTo(API_KEY)));
        // equalToJson without ignoreExtraElements: nothing else at the top level, nor in customAttributes
        wireMock.verify(1, postRequestedFor(urlEqualTo(syncPath(CHANNEL)))
                .withHeader("Authorization", equalTo(API_KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"channelId": "chanWire01",
                         "emailAddress": "ann.lee@example.com",
                         "phone": "+353850123456",
                         "topics": ["a", "b"],
                         "language": "de",
                         "country": "DE",
                         "customAttributes": {"user_id": "sub-1", "plan": "gold", "score": 42, "vip": true,
                                              "prefs": {"newsletter": "weekly", "channels": ["push", "mail"]}}}
                        """)));
        assertThat(rowCalls()).isEqualTo(1);
        // the raw key, no "Bearer " in front of it
        LoggedRequest sent = requestsTo(syncPath(CHANNEL)).get(0);
        assertThat(sent.getHeader("Authorization")).isEqualTo(API_KEY);
        JsonNode body = bodyOf(sent);
        assertThat(body.propertyNames()).containsExactlyInAnyOrder("channelId", "emailAddress", "phone", "topics",
                "language", "country", "customAttributes");
        assertThat(body.get("topics").isArray()).isTrue();
    }

    @Test
    void anIntegerSubscriptionIdIsSentAsAStringAndTopicsMayComeAsAnArray() throws Exception {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", "r1");
        ObjectNode fields = row.putObject("fields");
        fields.put("subscription_id", 12345);
        fields.putArray("topics").add(" news ").add("").add("sport").add("news");

        JsonNode response = postBatch(subscriptions(List.of(row)));

        assertAllSucceeded(response);
        wireMock.verify(1, postRequestedFor(urlEqualTo(syncPath(CHANNEL))).withRequestBody(equalToJson("""
                {"channelId": "chanWire01", "topics": ["news", "sport"], "customAttributes": {"user_id": "12345"}}
                """)));
    }

    @Test
    void badRowsFailAloneAndAreNotSent() throws Exception {
        ObjectNode badPhone = subscription("r1", null, "s-1");
        ((ObjectNode) badPhone.get("fields")).put("phone", "085 012 3456"); // national, no default region
        ObjectNode badEmail = subscription("r2", null, "s-2");
        ((ObjectNode) badEmail.get("fields")).put("email", "not-an-address");
        ObjectNode onlyId = JSON.createObjectNode();
        onlyId.put("id", "r3");
        onlyId.putObject("fields").put("subscription_id", "s-3");
        ObjectNode noId = JSON.createObjectNode();
        noId.put("id", "r4");
        noId.putObject("fields").put("plan", "gold");
        ObjectNode good = subscription("r5", null, "s-5");

        JsonNode response = postBatch(subscriptions(List.of(badPhone, badEmail, onlyId, noId, good)));

        JsonNode results = response.get("results");
        assertFailed(results.get(0), "invalid_phone_number", false);
        assertThat(results.get(0).get("error").get("field").asString()).isEqualTo("phone");
        assertFailed(results.get(1), "invalid_field", false);
        assertThat(results.get(1).get("error").get("field").asString()).isEqualTo("email");
        assertThat(results.get(2).get("status").asString()).isEqualTo("skipped");
        assertThat(results.get(2).get("error").get("code").asString()).isEqualTo("no_fields");
        assertThat(results.get(3).get("status").asString()).isEqualTo("failed");
        assertThat(results.get(3).get("error").get("field").asString()).isEqualTo("subscription_id");
        assertSucceeded(results.get(4));
        List<LoggedRequest> sent = requestsTo(syncPath(CHANNEL));
        assertThat(sent).hasSize(1);
        assertThat(bodyOf(sent.get(0)).get("customAttributes").get("user_id").asString()).isEqualTo("s-5");
    }

    @Test
    void removeModeUnsubscribesByTheNativeSubscriptionId() throws Exception {
        JsonNode response = postBatch(batch("subscriptions", "remove", CHANNEL,
                List.of(subscription("r1", null, "native-1"), subscription("r2", null, "native-2"))));

        assertAllSucceeded(response);
        assertThat(requestsTo(syncPath(CHANNEL))).isEmpty();
        wireMock.verify(2, postRequestedFor(urlEqualTo(UNSUBSCRIBE_PATH)));
        for (String id : List.of("native-1", "native-2")) {
            wireMock.verify(1, postRequestedFor(urlEqualTo(UNSUBSCRIBE_PATH))
                    .withHeader("Authorization", equalTo(API_KEY))
                    .withRequestBody(equalToJson("{\"channelId\": \"chanWire01\", \"subscriptionId\": \"" + id
                            + "\"}")));
        }
    }

    @Test
    void mirrorSyncsAddedAndChangedRowsAndUnsubscribesRemovedOnes() throws Exception {
        JsonNode response = postBatch(batch("subscriptions", "mirror", CHANNEL,
                List.of(subscription("r1", "added", "s-1"), subscription("r2", "removed", "s-2"),
                        subscription("r3", "changed", "s-3"))));

        assertAllSucceeded(response);
        List<LoggedRequest> syncs = requestsTo(syncPath(CHANNEL));
        assertThat(syncs).extracting(r -> bodyOf(r).get("customAttributes").get("user_id").asString())
                .containsExactlyInAnyOrder("s-1", "s-3");
        wireMock.verify(1, postRequestedFor(urlEqualTo(UNSUBSCRIBE_PATH))
                .withRequestBody(equalToJson("{\"channelId\": \"chanWire01\", \"subscriptionId\": \"s-2\"}")));
        assertThat(rowCalls()).isEqualTo(3);
    }

    @Test
    void addModeSyncsLikeUpsert() throws Exception {
        JsonNode response = postBatch(batch("subscriptions", "add", CHANNEL, subscriptions(2, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(syncPath(CHANNEL))).hasSize(2);
        wireMock.verify(0, postRequestedFor(urlEqualTo(UNSUBSCRIBE_PATH)));
        wireMock.verify(0, postRequestedFor(urlEqualTo(syncPath(CHANNEL))).withHeader("Authorization",
                absent()));
    }

    @Test
    void tagsAreAddedWithPostSubscriptionTagAndRemovedWithPostSubscriptionUntag() throws Exception {
        JsonNode added = postBatch(batch("tags", "add", CHANNEL, List.of(tagRow("a", null, "sub-7", "vip"))));
        JsonNode removed = postBatch(batch("tags", "remove", CHANNEL, List.of(tagRow("r", null, "sub-7", "vip"))));

        assertAllSucceeded(added);
        assertAllSucceeded(removed);
        String body = "{\"channelId\": \"chanWire01\", \"subscriptionId\": \"sub-7\", \"tagId\": \"vip\"}";
        wireMock.verify(1, postRequestedFor(urlEqualTo("/subscription/tag"))
                .withHeader("Authorization", equalTo(API_KEY)).withRequestBody(equalToJson(body)));
        wireMock.verify(1, postRequestedFor(urlEqualTo("/subscription/untag"))
                .withHeader("Authorization", equalTo(API_KEY)).withRequestBody(equalToJson(body)));
        assertThat(rowCalls()).isEqualTo(2);
    }
}
