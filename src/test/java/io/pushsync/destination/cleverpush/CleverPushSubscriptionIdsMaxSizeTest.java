package io.pushsync.destination.cleverpush;

import static io.pushsync.destination.cleverpush.CleverPushSubscriptionIdsTtlTest.everyUserIsKnown;
import static io.pushsync.destination.cleverpush.CleverPushSubscriptionIdsTtlTest.lookups;
import static io.pushsync.destination.cleverpush.CleverPushSubscriptionIdsTtlTest.tagsByUserId;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code pushsync.cleverpush.subscription-ids.max-size} bounds the cache: with room for 10 ids, a second batch of
 * the same 50 users finds at most 10 of them there and looks the others up again; a batch that fits is served from
 * the cache.
 */
@TestPropertySource(properties = "pushsync.cleverpush.subscription-ids.max-size=" + CleverPushSubscriptionIdsMaxSizeTest.MAX)
class CleverPushSubscriptionIdsMaxSizeTest extends CleverPushWireMockSupport {

    static final int MAX = 10;

    @Test
    void usersThatFitAreServedFromTheCache() throws Exception {
        String channel = freshChannel("ids-fit");
        everyUserIsKnown(wireMock, channel);

        assertAllSucceeded(postBatch(tagsByUserId(channel, 5, "a")));
        assertAllSucceeded(postBatch(tagsByUserId(channel, 5, "b")));

        assertThat(lookups(wireMock, channel)).isEqualTo(5);
    }

    @Test
    void moreUsersThanTheMaximumAreNotAllKept() throws Exception {
        String channel = freshChannel("ids-max");
        everyUserIsKnown(wireMock, channel);
        int users = 5 * MAX;

        assertAllSucceeded(postBatch(tagsByUserId(channel, users, "a")));
        assertThat(lookups(wireMock, channel)).isEqualTo(users);
        // Caffeine evicts in its maintenance, run right after writes; give it a moment to catch up
        Thread.sleep(200);

        assertAllSucceeded(postBatch(tagsByUserId(channel, users, "b")));

        assertThat(lookups(wireMock, channel) - users).as("at most %d ids were held", MAX)
                .isGreaterThanOrEqualTo(users - MAX);
    }
}
