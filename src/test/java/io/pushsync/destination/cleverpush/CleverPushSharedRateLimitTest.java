package io.pushsync.destination.cleverpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.pushsync.resilience.SharedRateLimit;
import io.pushsync.sync.StateStoreUnavailableException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The hook for a rate limit shared by all replicas: taken once per attempt (the channel preflight and every row
 * call), and a refusal or an unreachable store fails the rows without a vendor call.
 */
@Import(CleverPushSharedRateLimitTest.Shared.class)
class CleverPushSharedRateLimitTest extends CleverPushWireMockSupport {

    /** Grants, refuses or fails per account, and counts what it was asked. */
    static class Recording implements SharedRateLimit {
        final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        final Map<String, Mono<Void>> answers = new ConcurrentHashMap<>();

        @Override
        public Mono<Void> acquire(String vendor, String account) {
            return Mono.defer(() -> {
                asked.computeIfAbsent(vendor + "/" + account, k -> new AtomicInteger()).incrementAndGet();
                return answers.getOrDefault(account, Mono.empty());
            });
        }

        int asked(String channel) {
            AtomicInteger n = asked.get("cleverpush/" + CleverPushClient.account(channel));
            return n == null ? 0 : n.get();
        }
    }

    @TestConfiguration
    static class Shared {
        @Bean
        Recording sharedRateLimit() {
            return new Recording();
        }
    }

    @Autowired
    Recording shared;

    @Test
    void everyVendorCallTakesASharedPermitFirst() throws Exception {
        String channel = freshChannel("shared-ok");
        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(3, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(syncPath(channel))).hasSize(3);
        assertThat(shared.asked(channel)).as("preflight + channel config + 3 rows").isEqualTo(channelChecks(channel) + channelConfigs(channel) + 3);
    }

    @Test
    void aRefusedSharedPermitFailsTheRowsRateLimitedWithoutAVendorCall() throws Exception {
        String channel = freshChannel("shared-deny");
        shared.answers.put(CleverPushClient.account(channel), Mono.error(
                RequestNotPermitted.createRequestNotPermitted(RateLimiter.ofDefaults("shared"))));

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(2, "r")));

        assertAllFailed(response, "rate_limited", true);
        assertThat(message(response.get("results").get(0))).contains("rate limit");
        assertThat(rowCalls()).isZero();
        assertThat(channelChecks(channel)).isZero();
    }

    @Test
    void anUnreachableSharedStoreFailsTheRowsUnavailableWithoutAVendorCall() throws Exception {
        String channel = freshChannel("shared-down");
        shared.answers.put(CleverPushClient.account(channel),
                Mono.error(new StateStoreUnavailableException("Redis is down", null)));

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(2, "r")));

        assertAllFailed(response, "destination_unavailable", true);
        assertThat(message(response.get("results").get(0))).contains("shared by all replicas");
        assertThat(rowCalls()).isZero();
        assertThat(channelChecks(channel)).isZero();
    }
}
