package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pushsync.cleverpush.subscription-ids.ttl}: a native id found for a user id is reused within the TTL and
 * looked up again once it has expired. Real time, with a short TTL (the cache takes no ticker from outside).
 */
@TestPropertySource(properties = "pushsync.cleverpush.subscription-ids.ttl=" + CleverPushSubscriptionIdsTtlTest.TTL_MILLIS
        + "ms")
class CleverPushSubscriptionIdsTtlTest extends CleverPushWireMockSupport {

    static final long TTL_MILLIS = 2_000;

    /** Every user {@code u} is the subscription {@code n-u}. */
    static void everyUserIsKnown(com.github.tomakehurst.wiremock.WireMockServer wireMock, String channel) {
        wireMock.stubFor(get(urlPathEqualTo("/subscription")).withQueryParam("channelId", equalTo(channel))
                .withQueryParam("attributeId", equalTo("user_id")).atPriority(50)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"_id\": \"n-{{request.query.attribute_value}}\"}")
                        .withTransformers("response-template")));
    }

    static int lookups(com.github.tomakehurst.wiremock.WireMockServer wireMock, String channel) {
        return wireMock.findAll(getRequestedFor(urlPathEqualTo("/subscription"))
                .withQueryParam("channelId", equalTo(channel))).size();
    }

    static ObjectNode tagsByUserId(String channel, int users, String rowPrefix) {
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            rows.add(tagRow(rowPrefix + i, null, "user-" + i, "t1"));
        }
        ObjectNode batch = batch("tags", "add", channel, rows);
        batch.putObject("options").put("subscriptionIdKind", "user_id");
        return batch;
    }

    @Test
    void anIdIsReusedWithinItsTtlAndLookedUpAgainAfterIt() throws Exception {
        String channel = freshChannel("ids-ttl");
        everyUserIsKnown(wireMock, channel);

        long start = System.nanoTime();
        assertAllSucceeded(postBatch(tagsByUserId(channel, 3, "a")));
        assertThat(lookups(wireMock, channel)).isEqualTo(3);

        assertAllSucceeded(postBatch(tagsByUserId(channel, 3, "b")));
        if (Duration.ofNanos(System.nanoTime() - start).toMillis() < TTL_MILLIS) {
            // only meaningful while the first batch's ids are younger than the TTL (a stalled machine may take longer)
            assertThat(lookups(wireMock, channel)).as("within the TTL: from the cache").isEqualTo(3);
        }

        Thread.sleep(TTL_MILLIS + 200); // every id found above is now older than the TTL
        int before = lookups(wireMock, channel);
        assertAllSucceeded(postBatch(tagsByUserId(channel, 3, "c")));

        assertThat(lookups(wireMock, channel) - before).as("after the TTL: each user looked up again").isEqualTo(3);
        assertThat(requestsTo(TAG_ADD_PATH)).hasSize(9)
                .allSatisfy(r -> assertThat(bodyOf(r).get("subscriptionId").asString()).startsWith("n-user-"));
    }
}
