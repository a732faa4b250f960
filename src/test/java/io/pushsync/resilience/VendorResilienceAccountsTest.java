package io.pushsync.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-account instances do not pile up: idle or surplus accounts leave both registries. */
class VendorResilienceAccountsTest {

    private static final CircuitBreakerRegistry BREAKERS = CircuitBreakerRegistry.ofDefaults();
    private final RetryRegistry retries = RetryRegistry.of(Map.of("xtremepush", RetryConfig.ofDefaults()));
    private final RateLimiterRegistry limiters =
            RateLimiterRegistry.of(Map.of("xtremepush", RateLimiterConfig.ofDefaults()));

    private static AccountMeterCap cap() {
        return new AccountMeterCap(new ResilienceProperties(Duration.ofHours(1), 100, true, Duration.ofSeconds(30), 50));
    }

    private VendorResilience resilience(Duration idle, long max) {
        return new VendorResilience(retries, limiters, BREAKERS, new VendorCallMetrics(new SimpleMeterRegistry()),
                new ResilienceProperties(idle, max, true, Duration.ofSeconds(30), 50), cap());
    }

    @Test
    void anIdleAccountLeavesTheRegistries() {
        VendorResilience r = resilience(Duration.ofMillis(50), 100);
        r.retry("xtremepush", "xtremepush-aaa");
        r.rateLimiter("xtremepush", "xtremepush-aaa");
        assertThat(retries.find("xtremepush-aaa")).isPresent();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            r.retry("xtremepush", "xtremepush-bbb"); // any use runs the cache's upkeep
            assertThat(retries.find("xtremepush-aaa")).isEmpty();
            assertThat(limiters.find("xtremepush-aaa")).isEmpty();
        });
    }

    @Test
    void anAccountInUseKeepsItsInstances() {
        VendorResilience r = resilience(Duration.ofHours(1), 100);
        var first = r.rateLimiter("xtremepush", "xtremepush-aaa");
        for (int i = 0; i < 50; i++) {
            r.retry("xtremepush", "xtremepush-other-" + i);
        }
        assertThat(r.rateLimiter("xtremepush", "xtremepush-aaa")).isSameAs(first);
        assertThat(r.retry("xtremepush", "xtremepush-aaa")).isSameAs(r.retry("xtremepush", "xtremepush-aaa"));
    }

    @Test
    void theNumberOfAccountsIsBounded() {
        VendorResilience r = resilience(Duration.ofHours(1), 10);
        for (int i = 0; i < 200; i++) {
            r.retry("xtremepush", "xtremepush-" + i);
            r.rateLimiter("xtremepush", "xtremepush-" + i);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            r.retry("xtremepush", "xtremepush-last");
            assertThat(retries.getAllRetries().size()).isLessThanOrEqualTo(11);
            assertThat(limiters.getAllRateLimiters().size()).isLessThanOrEqualTo(11);
        });
    }

    @Test
    void aSlowedDownRateClimbsBackStepByStepAfterQuietPeriods() {
        VendorResilience r = new VendorResilience(retries, limiters, BREAKERS, new VendorCallMetrics(new SimpleMeterRegistry()),
                new ResilienceProperties(Duration.ofHours(1), 100, true, Duration.ofMillis(50), 50), cap());
        int configured = RateLimiterConfig.ofDefaults().getLimitForPeriod();
        r.onRateLimited("xtremepush", "xtremepush-acc");
        int slowed = r.currentLimitForPeriod("xtremepush", "xtremepush-acc");
        assertThat(slowed).isEqualTo(configured / 2);

        java.util.List<Integer> seen = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            r.onSuccess("xtremepush", "xtremepush-acc");
            int now = r.currentLimitForPeriod("xtremepush", "xtremepush-acc");
            if (seen.isEmpty() || seen.get(seen.size() - 1) != now) {
                seen.add(now);
            }
            assertThat(now).isEqualTo(configured);
        });
        // gradual: more than one step from the slowed rate back to the configured one, never above it
        assertThat(seen).hasSizeGreaterThan(2).allMatch(v -> v <= configured).isSorted();
    }

    @Test
    void withoutAdaptationA429LeavesTheRateAlone() {
        VendorResilience r = new VendorResilience(retries, limiters, BREAKERS, new VendorCallMetrics(new SimpleMeterRegistry()),
                new ResilienceProperties(Duration.ofHours(1), 100, false, Duration.ofMillis(50), 50), cap());
        r.onRateLimited("xtremepush", "xtremepush-fixed");
        assertThat(r.currentLimitForPeriod("xtremepush", "xtremepush-fixed"))
                .isEqualTo(RateLimiterConfig.ofDefaults().getLimitForPeriod());
    }

    @Test
    void concurrent429sAndSuccessesNeverLeaveTheRateStuckLow() throws Exception {
        RateLimiterRegistry fast = RateLimiterRegistry.of(Map.of("cleverpush", RateLimiterConfig.custom()
                .limitForPeriod(16).limitRefreshPeriod(Duration.ofNanos(1000)).build()));
        VendorResilience r = new VendorResilience(RetryRegistry.of(Map.of("cleverpush", RetryConfig.ofDefaults())),
                fast, BREAKERS, new VendorCallMetrics(new SimpleMeterRegistry()),
                new ResilienceProperties(Duration.ofHours(1), 10_000, true, Duration.ofNanos(1000), 50), cap());
        for (int round = 0; round < 40; round++) {
            String account = "cleverpush-race-" + round;
            Thread slower = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    r.onRateLimited("cleverpush", account);
                }
            });
            Thread recoverer = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    r.onSuccess("cleverpush", account);
                }
            });
            slower.start();
            recoverer.start();
            slower.join();
            recoverer.join();
            // the 429s have stopped: successes after quiet periods bring the configured rate back
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
                r.onSuccess("cleverpush", account);
                assertThat(r.currentLimitForPeriod("cleverpush", account)).isEqualTo(16);
            });
        }
    }
}
