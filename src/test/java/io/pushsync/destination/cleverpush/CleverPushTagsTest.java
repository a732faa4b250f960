package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Tags: one call per tag, and a tags row succeeds only if all its tags do. */
class CleverPushTagsTest extends CleverPushWireMockSupport {

    @Test
    void thousandRowsWithThreeTagsEachMakeExactlyThreeThousandCalls() throws Exception {
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            // both forms: even rows a comma-separated string, odd rows an array
            if (i % 2 == 0) {
                rows.add(tagRow("r" + i, null, "s-" + i, "t1, t2,t3"));
            } else {
                ArrayNode tags = JSON.createArrayNode().add("t1").add("t2").add("t3");
                rows.add(tagRow("r" + i, null, "s-" + i, tags));
            }
        }

        long started = System.nanoTime();
        JsonNode response = postBatch(batch("tags", "add", CHANNEL, rows));
        System.out.printf("cleverpush: 1,000 tag rows x 3 tags took %d ms%n",
                (System.nanoTime() - started) / 1_000_000);

        assertAllSucceeded(response);
        List<LoggedRequest> calls = requestsTo(TAG_ADD_PATH);
        assertThat(calls).hasSize(3000);
        assertThat(rowCalls()).isEqualTo(3000);
        assertThat(wireMock.getAllServeEvents()).hasSize(3001); // plus the one channel preflight
        assertThat(channelChecks(CHANNEL)).isEqualTo(1);
        Set<String> pairs = new HashSet<>();
        for (LoggedRequest call : calls) {
            JsonNode body = bodyOf(call);
            assertThat(body.propertyNames()).containsExactlyInAnyOrder("channelId", "subscriptionId", "tagId");
            assertThat(body.get("channelId").asString()).isEqualTo(CHANNEL);
            assertThat(call.getHeader("Authorization")).isEqualTo(API_KEY);
            pairs.add(body.get("subscriptionId").asString() + "|" + body.get("tagId").asString());
        }
        assertThat(pairs).as("each (subscription, tag) exactly once").hasSize(3000);
        for (int i = 0; i < 1000; i++) {
            assertThat(pairs).contains("s-" + i + "|t1", "s-" + i + "|t2", "s-" + i + "|t3");
        }
    }

    @Test
    void duplicatesAndBlanksAreDroppedInBothForms() throws Exception {
        ArrayNode array = JSON.createArrayNode().add(" x ").add("").add(7).add("x").add("  ").add("7");
        JsonNode response = postBatch(batch("tags", "upsert", CHANNEL,
                List.of(tagRow("r1", null, "s-1", " a, b,,a , "), tagRow("r2", null, "s-2", array))));

        assertAllSucceeded(response);
        List<LoggedRequest> calls = requestsTo(TAG_ADD_PATH);
        assertThat(calls).extracting(r -> bodyOf(r).get("subscriptionId").asString() + "|"
                        + bodyOf(r).get("tagId").asString())
                .containsExactlyInAnyOrder("s-1|a", "s-1|b", "s-2|x", "s-2|7");
        wireMock.verify(1, postRequestedFor(urlEqualTo(TAG_ADD_PATH)).withRequestBody(equalToJson(
                "{\"channelId\": \"chanWire01\", \"subscriptionId\": \"s-2\", \"tagId\": \"7\"}")));
    }

    @Test
    void aRowNamingNoTagIsSkippedAndABadTagValueFails() throws Exception {
        ArrayNode withObject = JSON.createArrayNode().add("a");
        withObject.addObject().put("id", "b");
        JsonNode response = postBatch(batch("tags", "add", CHANNEL, List.of(tagRow("r1", null, "s-1", " , "),
                tagRow("r2", null, "s-2", withObject), tagRow("r3", null, "s-3", "c"))));

        JsonNode results = response.get("results");
        assertThat(results.get(0).get("status").asString()).isEqualTo("skipped");
        assertFailed(results.get(1), "invalid_field", false);
        assertThat(results.get(1).get("error").get("field").asString()).isEqualTo("tags");
        assertSucceeded(results.get(2));
        assertThat(rowCalls()).isEqualTo(1);
    }

    @Test
    void removeModeUsesTagRemove() throws Exception {
        JsonNode response = postBatch(batch("tags", "remove", CHANNEL,
                List.of(tagRow("r1", null, "s-1", "t1,t2"))));

        assertAllSucceeded(response);
        assertThat(requestsTo(TAG_ADD_PATH)).isEmpty();
        assertThat(requestsTo(TAG_REMOVE_PATH)).extracting(r -> bodyOf(r).get("tagId").asString())
                .containsExactlyInAnyOrder("t1", "t2");
        wireMock.verify(1, postRequestedFor(urlEqualTo(TAG_REMOVE_PATH))
                .withHeader("Authorization", equalTo(API_KEY))
                .withRequestBody(equalToJson(
                        "{\"channelId\": \"chanWire01\", \"subscriptionId\": \"s-1\", \"tagId\": \"t2\"}")));
    }

    @Test
    void mirrorAddsTagsOfAddedAndChangedRowsAndRemovesThoseOfRemovedRows() throws Exception {
        JsonNode response = postBatch(batch("tags", "mirror", CHANNEL, List.of(
                tagRow("r1", "added", "s-1", "t1,t2"),
                tagRow("r2", "removed", "s-2", "t3"),
                tagRow("r3", "changed", "s-3", JSON.createArrayNode().add("t4")))));

        assertAllSucceeded(response);
        assertThat(requestsTo(TAG_ADD_PATH)).extracting(r -> bodyOf(r).get("subscriptionId").asString() + "|"
                        + bodyOf(r).get("tagId").asString())
                .containsExactlyInAnyOrder("s-1|t1", "s-1|t2", "s-3|t4");
        assertThat(requestsTo(TAG_REMOVE_PATH)).extracting(r -> bodyOf(r).get("subscriptionId").asString() + "|"
                        + bodyOf(r).get("tagId").asString())
                .containsExactly("s-2|t3");
    }

    @Test
    void oneRefusedTagFailsItsRowNamingTheTagAndTheVendorsReason() throws Exception {
        wireMock.stubFor(post(urlEqualTo(TAG_ADD_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.subscriptionId", equalTo("s-1")))
                .withRequestBody(matchingJsonPath("$.tagId", equalTo("vip")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"Tag vip does not exist in this channel\"}")));

        JsonNode response = postBatch(batch("tags", "add", CHANNEL, List.of(
                tagRow("r0", null, "s-0", "news,vip,sport"),
                tagRow("r1", null, "s-1", "news,vip,sport"),
                tagRow("r2", null, "s-2", "news,vip,sport"))));

        JsonNode results = response.get("results");
        assertSucceeded(results.get(0));
        assertFailed(results.get(1), "rejected_by_destination", false);
        assertThat(results.get(1).get("error").get("field").asString()).isEqualTo("tags");
        assertThat(message(results.get(1))).contains("1 tag(s) failed", "vip", "400",
                "Tag vip does not exist in this channel").doesNotContain("news").doesNotContain("sport");
        assertSucceeded(results.get(2));
        // all nine tag calls were made, the refused one once (a 400 is not retried)
        assertThat(requestsTo(TAG_ADD_PATH)).hasSize(9);
        wireMock.verify(1, postRequestedFor(urlEqualTo(TAG_ADD_PATH))
                .withRequestBody(matchingJsonPath("$.subscriptionId", equalTo("s-1")))
                .withRequestBody(matchingJsonPath("$.tagId", equalTo("vip"))));
    }

    @Test
    void aTagAnswered2xxWithAnErrorFailsItsRowToo() throws Exception {
        wireMock.stubFor(post(urlEqualTo(TAG_ADD_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.subscriptionId", equalTo("s-0")))
                .withRequestBody(matchingJsonPath("$.tagId", equalTo("gold")))
                .willReturn(okJson("{\"error\":\"Subscription has too many tags\"}")));
        wireMock.stubFor(post(urlEqualTo(TAG_ADD_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.subscriptionId", equalTo("s-0")))
                .withRequestBody(matchingJsonPath("$.tagId", equalTo("silver")))
                .willReturn(aResponse().withStatus(400).withBody("{\"message\":\"Unknown tag silver\"}")));

        JsonNode response = postBatch(batch("tags", "add", CHANNEL, List.of(
                tagRow("r0", null, "s-0", "gold,silver,bronze"),
                tagRow("r1", null, "s-1", "gold,silver,bronze"))));

        JsonNode results = response.get("results");
        assertFailed(results.get(0), "rejected_by_destination", false);
        assertThat(results.get(0).get("error").get("field").asString()).isEqualTo("tags");
        assertThat(message(results.get(0))).contains("2 tag(s) failed", "gold", "Subscription has too many tags",
                "silver", "Unknown tag silver").doesNotContain("bronze");
        assertSucceeded(results.get(1));
        // the 2xx-with-error is not retried either
        wireMock.verify(1, postRequestedFor(urlEqualTo(TAG_ADD_PATH))
                .withRequestBody(matchingJsonPath("$.subscriptionId", equalTo("s-0")))
                .withRequestBody(matchingJsonPath("$.tagId", equalTo("gold"))));
        assertThat(requestsTo(TAG_ADD_PATH)).hasSize(6);
    }

    @Test
    void aTagOfAnUnknownSubscriptionFailsOnlyThatRowAsNotFound() throws Exception {
        wireMock.stubFor(post(urlEqualTo(TAG_REMOVE_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.subscriptionId", equalTo("gone")))
                .willReturn(aResponse().withStatus(404).withBody("{\"error\":\"Subscription not found\"}")));

        JsonNode response = postBatch(batch("tags", "remove", CHANNEL, List.of(
                tagRow("r0", null, "s-0", "a,b"), tagRow("r1", null, "gone", "a,b"),
                tagRow("r2", null, "s-2", "a,b"))));

        JsonNode results = response.get("results");
        assertSucceeded(results.get(0));
        assertFailed(results.get(1), "destination_not_found", false);
        assertThat(message(results.get(1))).contains("Subscription not found", "a", "b");
        assertSucceeded(results.get(2));
        // the batch went on: every tag call was made
        assertThat(requestsTo(TAG_REMOVE_PATH)).hasSize(6);
    }
}
