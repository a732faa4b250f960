package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The checks before sending ({@code options.precheck}, default true): a tags row naming a tag the channel's tag list
 * ({@code GET /channel/{id}/tags}) lacks, or a subscription row setting a custom attribute the channel's config
 * ({@code GET /channel/{id}/config}, cached per channel) lacks, fails before any of its calls; when the lists cannot
 * be read, or with {@code precheck: false}, rows go to the vendor as before.
 */
class CleverPushPrecheckTest extends CleverPushWireMockSupport {

    /** VIP is abc; news is Newsletter; an integer id 7 is Seven. */
    static final String TAGS_ANSWER = """
            {"tags": [{"_id": "abc", "name": "VIP"}, {"_id": "news", "name": "Newsletter"},
                      {"_id": 7, "name": "Seven"}]}""";

    // ---------------------------------------------------------------- tags

    @Test
    void aRowNamingAnUnknownTagFailsWithoutAnyOfItsCallsAndOtherRowsGoOn() throws Exception {
        String channel = freshChannel("pre-tags");
        stubTags(channel, TAGS_ANSWER);

        JsonNode response = postBatch(batch("tags", "add", channel, List.of(
                tagRow("r0", null, "s-0", "abc,news"),
                tagRow("r1", null, "s-1", "news,VIP"),             // VIP is the display name of abc
                tagRow("r2", null, "s-2", JSON.createArrayNode().add("news").add("ghost")),
                tagRow("r3", null, "s-3", JSON.createArrayNode().add(7)))));

        JsonNode results = response.get("results");
        assertSucceeded(results.get(0));
        assertFailed(results.get(1), "unknown_tag", false);
        assertThat(results.get(1).get("error").get("field").asString()).isEqualTo("tags");
        assertThat(message(results.get(1))).contains("'VIP'", "(the tag named 'VIP' has the id 'abc')")
                .doesNotContain("'news'");
        assertFailed(results.get(2), "unknown_tag", false);
        assertThat(results.get(2).get("error").get("field").asString()).isEqualTo("tags");
        assertThat(message(results.get(2))).contains("'ghost'").doesNotContain("the tag named")
                .doesNotContain("'news'");
        assertSucceeded(results.get(3));
        assertThat(response.get("summary").get("failed").asInt()).isEqualTo(2);

        // none of the failed rows' calls went out, not even their known tag 'news'
        assertThat(tagPairs(requestsTo(TAG_ADD_PATH))).containsExactlyInAnyOrder("s-0|abc", "s-0|news", "s-3|7");
        assertThat(requestsTo(TAG_REMOVE_PATH)).isEmpty();
        assertThat(rowCalls()).isEqualTo(3);
        assertThat(channelChecks(channel)).isEqualTo(1);
        assertThat(channelConfigs(channel)).as("a tags batch reads no config").isZero();
    }

    @Test
    void theTagNameHintIgnoresCaseAndEveryUnknownIdIsNamed() throws Exception {
        String channel = freshChannel("pre-hint");
        stubTags(channel, TAGS_ANSWER);

        JsonNode response = postBatch(batch("tags", "add", channel, List.of(
                tagRow("r0", null, "s-0", "vip,newsletter,nope"))));

        JsonNode result = response.get("results").get(0);
        assertFailed(result, "unknown_tag", false);
        assertThat(message(result)).contains("'vip' (the tag named 'VIP' has the id 'abc')",
                "'newsletter' (the tag named 'Newsletter' has the id 'news')", "'nope'");
        assertThat(rowCalls()).isZero();
    }

    @Test
    void anUnknownTagInRemoveModeSendsNoneOfThatRowsUntagCalls() throws Exception {
        String channel = freshChannel("pre-untag");
        stubTags(channel, TAGS_ANSWER);

        JsonNode response = postBatch(batch("tags", "remove", channel, List.of(
                tagRow("r0", null, "s-0", "abc,gone"),
                tagRow("r1", null, "s-1", "abc,news"))));

        JsonNode results = response.get("results");
        assertFailed(results.get(0), "unknown_tag", false);
        assertThat(message(results.get(0))).contains("'gone'");
        assertSucceeded(results.get(1));
        assertThat(tagPairs(requestsTo(TAG_REMOVE_PATH))).containsExactlyInAnyOrder("s-1|abc", "s-1|news");
        assertThat(requestsTo(TAG_ADD_PATH)).isEmpty();
    }

    @Test
    void aTagsAnswerWithoutATagsListChecksNothing() throws Exception {
        String channel = freshChannel("pre-nolist");
        // the default answer has no tags list; this one has a tags field that is not a list
        stubTags(channel, "{\"_id\": \"x\", \"tags\": \"not a list\"}");

        JsonNode response = postBatch(batch("tags", "add", channel, List.of(
                tagRow("r0", null, "s-0", "whatever,else"), tagRow("r1", null, "s-1", "VIP"))));

        assertAllSucceeded(response);
        assertThat(tagPairs(requestsTo(TAG_ADD_PATH)))
                .containsExactlyInAnyOrder("s-0|whatever", "s-0|else", "s-1|VIP");
        assertThat(channelChecks(channel)).isEqualTo(1);
    }

    @Test
    void aChannelCheckThatKeepsFailingSendsTheRowsUncheckedAndEachCallDecides() throws Exception {
        String channel = freshChannel("pre-down");
        wireMock.stubFor(get(urlEqualTo(channelPath(channel))).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":\"maintenance\"}")));

        JsonNode response = postBatch(batch("tags", "add", channel, List.of(
                tagRow("r0", null, "s-0", "ghost,news"), tagRow("r1", null, "s-1", "VIP"))));

        assertAllSucceeded(response);
        assertThat(channelChecks(channel)).as("the check was retried, then given up").isGreaterThan(1);
        assertThat(tagPairs(requestsTo(TAG_ADD_PATH)))
                .containsExactlyInAnyOrder("s-0|ghost", "s-0|news", "s-1|VIP");
    }

    @Test
    void theDefaultChannelAnswerWithNoTagsListSendsEveryTag() throws Exception {
        String channel = freshChannel("pre-default");

        JsonNode response = postBatch(batch("tags", "add", channel, List.of(tagRow("r0", null, "s-0", "a,b"))));

        assertAllSucceeded(response);
        assertThat(tagPairs(requestsTo(TAG_ADD_PATH))).containsExactlyInAnyOrder("s-0|a", "s-0|b");
    }

    @Test
    void precheckFalseSendsUnknownTagsAndTheVendorDecides() throws Exception {
        String channel = freshChannel("pre-off-tags");
        stubTags(channel, TAGS_ANSWER);
        wireMock.stubFor(post(urlEqualTo(TAG_ADD_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.channelId", equalTo(channel)))
                .withRequestBody(matchingJsonPath("$.tagId", equalTo("ghost")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"Tag does not exist\"}")));

        ObjectNode body = batch("tags", "add", channel, List.of(
                tagRow("r0", null, "s-0", "abc,ghost"), tagRow("r1", null, "s-1", "VIP")));
        body.putObject("options").put("precheck", false);
        JsonNode response = postBatch(body);

        JsonNode results = response.get("results");
        assertFailed(results.get(0), "rejected_by_destination", false);
        assertThat(message(results.get(0))).contains("ghost", "Tag does not exist");
        assertSucceeded(results.get(1)); // the vendor took 'VIP' (the default stub answers 200)
        assertThat(tagPairs(requestsTo(TAG_ADD_PATH))).containsExactlyInAnyOrder("s-0|abc", "s-0|ghost", "s-1|VIP");
        assertThat(channelChecks(channel)).as("the channel check itself still runs").isEqualTo(1);
        assertThat(channelConfigs(channel)).isZero();
    }

    @Test
    void precheckTrueExplicitlyIsTheDefault() throws Exception {
        String channel = freshChannel("pre-on-tags");
        stubTags(channel, TAGS_ANSWER);

        ObjectNode body = batch("tags", "add", channel, List.of(
                tagRow("r0", null, "s-0", "ghost"), tagRow("r1", null, "s-1", "news")));
        body.putObject("options").put("precheck", true);
        JsonNode response = postBatch(body);

        assertFailed(response.get("results").get(0), "unknown_tag", false);
        assertSucceeded(response.get("results").get(1));
        assertThat(tagPairs(requestsTo(TAG_ADD_PATH))).containsExactly("s-1|news");
    }

    // ---------------------------------------------------------------- custom attributes

    @Test
    void aRowSettingAnUnknownCustomAttributeFailsBeforeItsSync() throws Exception {
        String channel = freshChannel("pre-attr");
        stubConfig(channel, attributes("user_id", "plan"));

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, List.of(
                row("r0", "s-0", "plan", "gold", "email", "a@example.com"),
                row("r1", "s-1", "plan", "gold", "loyalty", "high"),
                row("r2", "s-2", "topics", "news", "language", "de", "country", "DE", "phone", "+353850123456"),
                row("r3", "s-3", "loyalty", "low"))));

        JsonNode results = response.get("results");
        assertSucceeded(results.get(0));
        assertFailed(results.get(1), "unknown_attribute", false);
        assertThat(results.get(1).get("error").get("field").asString()).isEqualTo("loyalty");
        assertThat(message(results.get(1))).contains("'loyalty'").doesNotContain("'plan'");
        assertSucceeded(results.get(2)); // top-level fields are never checked
        assertFailed(results.get(3), "unknown_attribute", false);
        assertThat(results.get(3).get("error").get("field").asString()).isEqualTo("loyalty");

        List<LoggedRequest> syncs = requestsTo(syncPath(channel));
        assertThat(userIds(syncs)).containsExactlyInAnyOrder("s-0", "s-2");
        for (LoggedRequest sync : syncs) {
            assertThat(bodyOf(sync).get("customAttributes").has("loyalty")).isFalse();
        }
        assertThat(rowCalls()).isEqualTo(2);
        assertThat(channelChecks(channel)).isEqualTo(1);
        assertThat(channelConfigs(channel)).isEqualTo(1);
    }

    @Test
    void customAttributesGivenAsPlainIdsOrWithUnderscoreIdCountToo() throws Exception {
        String channel = freshChannel("pre-attr-forms");
        stubConfig(channel, "{\"customAttributes\": [\"user_id\", {\"_id\": \"plan\", \"name\": \"Plan\"}]}");

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, List.of(
                row("r0", "s-0", "plan", "gold"), row("r1", "s-1", "Plan", "gold"))));

        assertSucceeded(response.get("results").get(0));
        // attributes are named by id, not by display name
        assertFailed(response.get("results").get(1), "unknown_attribute", false);
        assertThat(response.get("results").get(1).get("error").get("field").asString()).isEqualTo("Plan");
        assertThat(userIds(requestsTo(syncPath(channel)))).containsExactly("s-0");
    }

    @Test
    void aChannelWithoutTheUserIdAttributeFailsEverySyncRowOnSubscriptionId() throws Exception {
        String channel = freshChannel("pre-no-userid");
        stubConfig(channel, attributes("plan", "loyalty"));

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, List.of(
                row("r0", "s-0", "plan", "gold"),
                row("r1", "s-1", "email", "b@example.com"),
                row("r2", "s-2", "unknown_too", "x"))));

        assertAllFailed(response, "unknown_attribute", false);
        for (JsonNode result : response.get("results")) {
            assertThat(result.get("error").get("field").asString()).isEqualTo("subscription_id");
            assertThat(message(result)).contains("user_id");
        }
        assertThat(requestsTo(syncPath(channel))).isEmpty();
        assertThat(rowCalls()).isZero();
        assertThat(channelConfigs(channel)).isEqualTo(1);
    }

    @Test
    void inMirrorModeRemovedRowsStillUnsubscribeWhileTheirSiblingsAreChecked() throws Exception {
        String channel = freshChannel("pre-mirror");
        stubConfig(channel, attributes("user_id", "plan"));

        ObjectNode added = row("r0", "s-0", "plan", "gold");
        added.put("change", "added");
        ObjectNode changed = row("r1", "s-1", "loyalty", "high");
        changed.put("change", "changed");
        ObjectNode removed = row("r2", "s-2", "loyalty", "high");
        removed.put("change", "removed");
        JsonNode response = postBatch(batch("subscriptions", "mirror", channel, List.of(added, changed, removed)));

        JsonNode results = response.get("results");
        assertSucceeded(results.get(0));
        assertFailed(results.get(1), "unknown_attribute", false);
        assertThat(results.get(1).get("error").get("field").asString()).isEqualTo("loyalty");
        assertSucceeded(results.get(2));
        assertThat(userIds(requestsTo(syncPath(channel)))).containsExactly("s-0");
        assertThat(requestsTo(UNSUBSCRIBE_PATH)).extracting(r -> bodyOf(r).get("subscriptionId").asString())
                .containsExactly("s-2");
        assertThat(channelConfigs(channel)).isEqualTo(1);
    }

    @Test
    void removeModeReadsNoConfig() throws Exception {
        String channel = freshChannel("pre-remove");
        stubConfig(channel, attributes("plan")); // would fail every sync row: no user_id

        JsonNode response = postBatch(batch("subscriptions", "remove", channel, List.of(
                row("r0", "s-0", "loyalty", "x"), row("r1", "s-1", "plan", "y"))));

        assertAllSucceeded(response);
        assertThat(requestsTo(UNSUBSCRIBE_PATH)).extracting(r -> bodyOf(r).get("subscriptionId").asString())
                .containsExactlyInAnyOrder("s-0", "s-1");
        assertThat(requestsTo(syncPath(channel))).isEmpty();
        assertThat(channelConfigs(channel)).isZero();
        assertThat(channelChecks(channel)).isEqualTo(1);
    }

    @Test
    void theConfigIsReadOncePerChannelForTwoBatches() throws Exception {
        String channel = freshChannel("pre-cache");
        String other = freshChannel("pre-cache-other");
        stubConfig(channel, attributes("user_id", "plan"));
        stubConfig(other, attributes("user_id", "loyalty"));

        JsonNode first = postBatch(batch("subscriptions", "upsert", channel, List.of(
                row("r0", "s-0", "plan", "gold"), row("r1", "s-1", "loyalty", "high"))));
        JsonNode second = postBatch(batch("subscriptions", "add", channel, List.of(
                row("r0", "s-2", "loyalty", "low"), row("r1", "s-3", "plan", "silver"))));

        // the second batch is checked against the cached list just as the first
        assertSucceeded(first.get("results").get(0));
        assertFailed(first.get("results").get(1), "unknown_attribute", false);
        assertFailed(second.get("results").get(0), "unknown_attribute", false);
        assertSucceeded(second.get("results").get(1));
        assertThat(userIds(requestsTo(syncPath(channel)))).containsExactlyInAnyOrder("s-0", "s-3");
        assertThat(channelChecks(channel)).as("one channel check per batch").isEqualTo(2);
        assertThat(channelConfigs(channel)).as("one config call for both batches").isEqualTo(1);

        // another channel has its own list (and its own call)
        JsonNode third = postBatch(batch("subscriptions", "upsert", other, List.of(
                row("r0", "s-4", "plan", "gold"), row("r1", "s-5", "loyalty", "high"))));
        assertFailed(third.get("results").get(0), "unknown_attribute", false);
        assertThat(third.get("results").get(0).get("error").get("field").asString()).isEqualTo("plan");
        assertSucceeded(third.get("results").get(1));
        assertThat(userIds(requestsTo(syncPath(other)))).containsExactly("s-5");
        assertThat(channelConfigs(other)).isEqualTo(1);
        assertThat(channelConfigs(channel)).isEqualTo(1);
    }

    @Test
    void aFailingConfigCallIsCachedAndRowsAreSentUnchecked() throws Exception {
        String channel = freshChannel("pre-500");
        wireMock.stubFor(get(urlEqualTo(configPath(channel))).atPriority(1)
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"boom\"}")));

        JsonNode first = postBatch(batch("subscriptions", "upsert", channel, List.of(
                row("r0", "s-0", "plan", "gold"), row("r1", "s-1", "anything", "x"))));
        int configCallsOfFirst = channelConfigs(channel);
        JsonNode second = postBatch(batch("subscriptions", "upsert", channel, List.of(
                row("r0", "s-2", "whatever", "y"))));

        assertAllSucceeded(first);
        assertAllSucceeded(second);
        assertThat(userIds(requestsTo(syncPath(channel)))).containsExactlyInAnyOrder("s-0", "s-1", "s-2");
        assertThat(bodyOf(requestsTo(syncPath(channel)).get(0)).get("customAttributes").size()).isEqualTo(2);
        // resilience4j.retry.configs.cleverpush.max-attempts=4 (application.yml): a GET answered 500 is retried
        assertThat(configCallsOfFirst).as("the config call was made and retried").isEqualTo(4);
        assertThat(channelConfigs(channel)).as("the failure is cached: no config call for the second batch")
                .isEqualTo(configCallsOfFirst);
        assertThat(channelChecks(channel)).isEqualTo(2);
    }

    @Test
    void aConfigAnswerWithoutACustomAttributesListIsCachedAndRowsAreSentUnchecked() throws Exception {
        String channel = freshChannel("pre-nocfg");
        stubConfig(channel, "{\"_id\": \"" + channel + "\", \"customAttributes\": {\"not\": \"a list\"}}");

        JsonNode first = postBatch(batch("subscriptions", "upsert", channel, List.of(
                row("r0", "s-0", "plan", "gold"))));
        JsonNode second = postBatch(batch("subscriptions", "upsert", channel, List.of(
                row("r0", "s-1", "loyalty", "x"))));

        assertAllSucceeded(first);
        assertAllSucceeded(second);
        assertThat(userIds(requestsTo(syncPath(channel)))).containsExactlyInAnyOrder("s-0", "s-1");
        assertThat(channelConfigs(channel)).isEqualTo(1);
    }

    @Test
    void precheckFalseReadsNoConfigAndSendsUnknownAttributes() throws Exception {
        String channel = freshChannel("pre-off-attr");
        stubConfig(channel, attributes("plan")); // no user_id: with the check every row would fail

        ObjectNode off = batch("subscriptions", "upsert", channel, List.of(
                row("r0", "s-0", "plan", "gold"), row("r1", "s-1", "loyalty", "high")));
        off.putObject("options").put("precheck", false);
        JsonNode response = postBatch(off);

        assertAllSucceeded(response);
        List<LoggedRequest> syncs = requestsTo(syncPath(channel));
        assertThat(userIds(syncs)).containsExactlyInAnyOrder("s-0", "s-1");
        assertThat(syncs).anySatisfy(r -> assertThat(bodyOf(r).path("customAttributes").path("loyalty").asString(""))
                .isEqualTo("high"));
        assertThat(channelConfigs(channel)).as("no config call at all").isZero();

        // the next batch with the check on reads the config then, and is checked
        JsonNode on = postBatch(batch("subscriptions", "upsert", channel, List.of(row("r0", "s-2", "plan", "x"))));
        assertFailed(on.get("results").get(0), "unknown_attribute", false);
        assertThat(on.get("results").get(0).get("error").get("field").asString()).isEqualTo("subscription_id");
        assertThat(channelConfigs(channel)).isEqualTo(1);
        assertThat(requestsTo(syncPath(channel))).hasSize(2);
    }

    @Test
    void withUserIdKindARowFailingTheCheckIsNeverLookedUp() throws Exception {
        String channel = freshChannel("pre-byuser");
        stubTags(channel, TAGS_ANSWER);
        stubConfig(channel, attributes("user_id", "plan"));
        wireMock.stubFor(get(urlPathEqualTo("/subscription")).atPriority(1)
                .withQueryParam("channelId", equalTo(channel))
                .willReturn(okJson("{\"_id\": \"n-{{request.query.attribute_value}}\"}")
                        .withTransformers("response-template")));

        ObjectNode subs = batch("subscriptions", "upsert", channel, List.of(
                row("r0", "u-0", "plan", "gold"), row("r1", "u-1", "loyalty", "high")));
        subs.putObject("options").put("subscriptionIdKind", "user_id");
        JsonNode subsResponse = postBatch(subs);
        ObjectNode tags = batch("tags", "add", channel, List.of(
                tagRow("r0", null, "u-2", "abc"), tagRow("r1", null, "u-3", "ghost")));
        tags.putObject("options").put("subscriptionIdKind", "user_id");
        JsonNode tagsResponse = postBatch(tags);

        assertSucceeded(subsResponse.get("results").get(0));
        assertFailed(subsResponse.get("results").get(1), "unknown_attribute", false);
        assertSucceeded(tagsResponse.get("results").get(0));
        assertFailed(tagsResponse.get("results").get(1), "unknown_tag", false);
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/subscription"))))
                .extracting(r -> r.queryParameter("attribute_value").firstValue())
                .as("only the rows that passed the check were looked up").containsExactlyInAnyOrder("u-0", "u-2");
        assertThat(userIds(requestsTo(syncPath(channel)))).containsExactly("u-0");
        assertThat(tagPairs(requestsTo(TAG_ADD_PATH))).containsExactly("n-u-2|abc");
        assertThat(channelConfigs(channel)).isEqualTo(1);
    }

    // ---------------------------------------------------------------- option validation and catalog

    @Test
    void aNonBooleanPrecheckIsA400NamingTheOption() throws Exception {
        String channel = freshChannel("pre-400");
        for (String objectType : List.of("subscriptions", "tags")) {
            ObjectNode body = batch(objectType, "upsert", channel, List.of(objectType.equals("tags")
                    ? tagRow("r0", null, "s-0", "a") : row("r0", "s-0", "plan", "gold")));
            body.putObject("options").put("precheck", "yes");
            postExpecting400(body, "/options/precheck")
                    .andExpect(jsonPath("$.errors[0].message", containsString("precheck")));
        }
        assertThat(wireMock.getAllServeEvents()).as("nothing reached CleverPush").isEmpty();
    }

    @Test
    void anUnknownSubscriptionIdKindIsA400NamingTheOption() throws Exception {
        String channel = freshChannel("pre-kind");
        for (String objectType : List.of("subscriptions", "tags")) {
            ObjectNode body = batch(objectType, "upsert", channel, List.of(objectType.equals("tags")
                    ? tagRow("r0", null, "s-0", "a") : row("r0", "s-0", "plan", "gold")));
            body.putObject("options").put("subscriptionIdKind", "email");
            postExpecting400(body, "/options/subscriptionIdKind")
                    .andExpect(jsonPath("$.errors[0].message", containsString("native")))
                    .andExpect(jsonPath("$.errors[0].message", containsString("user_id")));
        }
        assertThat(wireMock.getAllServeEvents()).as("nothing reached CleverPush").isEmpty();
    }

    @Test
    void theCatalogListsBothOptionsForBothObjectTypes() throws Exception {
        String raw = mvc.perform(MockMvcRequestBuilders.get("/v1/destinations/cleverpush")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.type").value("cleverpush"))
                .andExpect(jsonPath("$.objectTypes[*].name", contains("subscriptions", "tags")))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);

        JsonNode catalog = JSON.readTree(raw);
        for (JsonNode objectType : catalog.get("objectTypes")) {
            String name = objectType.get("name").asString();
            JsonNode kind = option(objectType, "subscriptionIdKind");
            assertThat(kind).as("subscriptionIdKind of %s", name).isNotNull();
            assertThat(kind.get("kind").asString()).isEqualTo("enum");
            assertThat(kind.get("allowedValues")).extracting(JsonNode::asString)
                    .containsExactly("native", "user_id");
            assertThat(kind.path("required").asBoolean(false)).isFalse();
            JsonNode precheck = option(objectType, "precheck");
            assertThat(precheck).as("precheck of %s", name).isNotNull();
            assertThat(precheck.get("kind").asString()).isEqualTo("boolean");
            assertThat(precheck.path("required").asBoolean(false)).isFalse();
            assertThat(precheck.get("description").asString()).isNotBlank();
        }
        assertThat(wireMock.getAllServeEvents()).as("the catalog calls no vendor").isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    void stubTags(String channel, String json) {
        wireMock.stubFor(get(urlEqualTo(channelPath(channel))).atPriority(1).willReturn(okJson(json)));
    }

    void stubConfig(String channel, String json) {
        wireMock.stubFor(get(urlEqualTo(configPath(channel))).atPriority(1).willReturn(okJson(json)));
    }

    static String configPath(String channel) {
        return "/channel/" + channel + "/config";
    }

    /** {@code {"customAttributes": [{"id": a, "name": "A ..."}]}}. */
    static String attributes(String... ids) {
        ObjectNode body = JSON.createObjectNode();
        var list = body.putArray("customAttributes");
        for (String id : ids) {
            list.addObject().put("id", id).put("name", "Attribute " + id);
        }
        return JSON.writeValueAsString(body);
    }

    /** A subscription row: {@code subscription_id} then field/value pairs. */
    static ObjectNode row(String id, String subscriptionId, String... fieldsAndValues) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        ObjectNode fields = row.putObject("fields");
        fields.put("subscription_id", subscriptionId);
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return row;
    }

    static List<String> tagPairs(List<LoggedRequest> requests) {
        List<String> pairs = new ArrayList<>();
        for (LoggedRequest r : requests) {
            JsonNode body = bodyOf(r);
            pairs.add(body.get("subscriptionId").asString() + "|" + body.get("tagId").asString());
        }
        return pairs;
    }

    /** The {@code customAttributes.user_id} of each sync (the row's subscription_id). */
    static List<String> userIds(List<LoggedRequest> syncs) {
        List<String> ids = new ArrayList<>();
        for (LoggedRequest r : syncs) {
            ids.add(bodyOf(r).get("customAttributes").get("user_id").asString());
        }
        return ids;
    }

    static JsonNode option(JsonNode objectType, String name) {
        for (JsonNode option : objectType.get("options")) {
            if (option.get("name").asString().equals(name)) {
                return option;
            }
        }
        return null;
    }

    ResultActions postExpecting400(ObjectNode body, String pointer) throws Exception {
        return mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/cleverpush/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.type").value("urn:pushsync:problem:invalid-request"))
                .andExpect(jsonPath("$.errors", hasSize(1)))
                .andExpect(jsonPath("$.errors[0].pointer").value(pointer))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString(API_KEY))));
    }
}
