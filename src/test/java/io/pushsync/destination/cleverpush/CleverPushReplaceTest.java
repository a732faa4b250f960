package io.pushsync.destination.cleverpush;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mode: "replace"} on CleverPush tags: the rows are the subscriptions that carry {@code options.tagId}; pushsync
 * tags the new ones and untags the ones gone.
 */
class CleverPushReplaceTest extends CleverPushWireMockSupport {

    private static ObjectNode audience(String channel, String tagId, String... subscriptionIds) {
        List<ObjectNode> rows = new ArrayList<>();
        for (String id : subscriptionIds) {
            ObjectNode row = JSON.createObjectNode();
            row.put("id", "row-" + id);
            row.putObject("fields").put("subscription_id", id);
            rows.add(row);
        }
        ObjectNode body = batch("tags", "replace", channel, rows);
        body.putObject("options").put("tagId", tagId);
        return body;
    }

    /** {@code subscriptionId|tagId} of each call to {@code path}. */
    private List<String> pairs(String path) {
        List<String> out = new ArrayList<>();
        for (LoggedRequest call : requestsTo(path)) {
            JsonNode body = bodyOf(call);
            out.add(body.get("subscriptionId").asString() + "|" + body.get("tagId").asString());
        }
        return out;
    }

    @Test
    void theTagFollowsTheAudience() throws Exception {
        String channel = freshChannel("replace");

        JsonNode first = postBatch(audience(channel, "vip", "s-1", "s-2"));
        assertThat(first.get("snapshot").asString()).isEqualTo("created");
        assertAllSucceeded(first);
        assertThat(pairs(TAG_ADD_PATH)).containsExactlyInAnyOrder("s-1|vip", "s-2|vip");
        assertThat(requestsTo(TAG_REMOVE_PATH)).isEmpty();

        wireMock.resetRequests();
        JsonNode second = postBatch(audience(channel, "vip", "s-2", "s-3"));

        assertThat(second.get("snapshot").asString()).isEqualTo("updated");
        assertThat(second.get("results").get(0).get("error").get("code").asString()).isEqualTo("unchanged");
        assertSucceeded(second.get("results").get(1));
        assertThat(pairs(TAG_ADD_PATH)).containsExactly("s-3|vip");
        assertThat(pairs(TAG_REMOVE_PATH)).containsExactly("s-1|vip");
        assertThat(second.get("removed").get(0).get("identifier").asString()).isEqualTo("s-1");
        assertThat(second.get("summary").get("removed").asInt()).isEqualTo(1);
    }

    @Test
    void aDryRunPlansTagsAndUntagsAndSendsNothing() throws Exception {
        String channel = freshChannel("replace");
        postBatch(audience(channel, "vip", "s-1", "s-2"));
        wireMock.resetRequests();
        ObjectNode dry = audience(channel, "vip", "s-2", "s-3");
        dry.put("dryRun", true);

        JsonNode planned = postBatch(dry);

        assertThat(wireMock.getAllServeEvents()).isEmpty();
        assertThat(planned.get("results").get(1).get("status").asString()).isEqualTo("planned");
        assertThat(planned.get("results").get(1).get("action").asString()).isEqualTo("tag");
        assertThat(planned.get("removed").get(0).get("identifier").asString()).isEqualTo("s-1");
        assertThat(planned.get("removed").get(0).get("action").asString()).isEqualTo("untag");
        assertThat(planned.toString()).doesNotContain(API_KEY);

        dry.remove("dryRun");
        postBatch(dry);
        assertThat(pairs(TAG_ADD_PATH)).containsExactly("s-3|vip");
        assertThat(pairs(TAG_REMOVE_PATH)).containsExactly("s-1|vip");
    }

    @Test
    void eachTagOfAChannelHasItsOwnSnapshot() throws Exception {
        String channel = freshChannel("replace");
        postBatch(audience(channel, "vip", "s-1"));
        wireMock.resetRequests();

        JsonNode other = postBatch(audience(channel, "churn-risk", "s-2"));

        assertThat(other.get("snapshot").asString()).isEqualTo("created");
        assertThat(pairs(TAG_ADD_PATH)).containsExactly("s-2|churn-risk");
        assertThat(requestsTo(TAG_REMOVE_PATH)).isEmpty();
    }

    @Test
    void tagIdIsRequiredInReplaceAndRefusedElsewhere() throws Exception {
        ObjectNode noTag = audience(CHANNEL, "vip", "s-1");
        noTag.remove("options");
        ObjectNode tagInAdd = batch("tags", "add", CHANNEL, List.of(tagRow("r1", null, "s-1", "t1")));
        tagInAdd.putObject("options").put("tagId", "vip");

        String missing = postExpecting(noTag, 400);
        String misplaced = postExpecting(tagInAdd, 400);

        assertThat(missing).contains("/options/tagId").contains("required in replace mode");
        assertThat(misplaced).contains("/options/tagId").contains("only read in replace mode");
        assertThat(requestsTo(TAG_ADD_PATH)).isEmpty();
    }
}
