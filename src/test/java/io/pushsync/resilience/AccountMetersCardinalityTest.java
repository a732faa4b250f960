package io.pushsync.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Resilience4j's meters are per vendor account: only {@code pushsync.resilience.max-account-meters} accounts have
 * them at once, while the per-vendor aggregates count every account.
 */
class AccountMetersCardinalityTest {

    private static Set<String> meteredAccounts(MeterRegistry registry) {
        return registry.getMeters().stream().map(Meter::getId)
                .filter(id -> id.getName().startsWith("resilience4j.") && id.getTag("name") != null)
                .map(id -> id.getTag("name")).collect(Collectors.toSet());
    }

    private static double gauge(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    /** In the application: Resilience4j's binding, the cap and the gauges as Spring wires them. */
    @Nested
    @SpringBootTest(properties = {"pushsync.resilience.max-account-meters=2", "pushsync.resilience.max-accounts=1000"})
    class InTheApplication {

        @Autowired
        VendorResilience resilience;
        @Autowired
        MeterRegistry registry;
        @Autowired
        CircuitBreakerRegistry breakers;

        @Test
        void onlyTheFirstAccountsHaveMetersAndTheAggregatesCountThemAll() {
            double before = gauge(registry, "pushsync_vendor_accounts", "destination", "xtremepush");
            for (int i = 0; i < 7; i++) {
                String account = "xtremepush-cardinality-" + i;
                resilience.retry("xtremepush", account);
                resilience.rateLimiter("xtremepush", account);
                resilience.circuitBreaker("xtremepush", account);
            }
            resilience.circuitBreaker("xtremepush", "xtremepush-cardinality-6").transitionToOpenState();
            resilience.onRateLimited("xtremepush", "xtremepush-cardinality-5");

            Set<String> metered = meteredAccounts(registry);
            assertThat(metered).hasSizeLessThanOrEqualTo(2);
            assertThat(metered).as("the binding works: admitted accounts have their meters").isNotEmpty();
            assertThat(gauge(registry, "pushsync_vendor_accounts", "destination", "xtremepush"))
                    .isEqualTo(before + 7);
            assertThat(gauge(registry, "pushsync_vendor_circuits", "destination", "xtremepush", "state", "open"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(gauge(registry, "pushsync_vendor_rate_limited_accounts", "destination", "xtremepush"))
                    .isGreaterThanOrEqualTo(1);
            long open = breakers.getAllCircuitBreakers().stream()
                    .filter(b -> b.getName().startsWith("xtremepush-") && b.getState().name().equals("OPEN")).count();
            assertThat(gauge(registry, "pushsync_vendor_circuits", "destination", "xtremepush", "state", "open"))
                    .isEqualTo(open);
        }
    }

    /** An account that leaves the registries gives its place to the next new one. */
    @Test
    void anEvictedAccountFreesItsPlace() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ResilienceProperties properties = new ResilienceProperties(Duration.ofMillis(100), 1000, true,
                Duration.ofSeconds(30), 2);
        AccountMeterCap cap = new AccountMeterCap(properties);
        registry.config().meterFilter(cap);
        RetryRegistry retries = RetryRegistry.of(Map.of("xtremepush", RetryConfig.ofDefaults()));
        RateLimiterRegistry limiters = RateLimiterRegistry.of(Map.of("xtremepush", RateLimiterConfig.ofDefaults()));
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(Map.of("xtremepush",
                CircuitBreakerConfig.ofDefaults()));
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(limiters).bindTo(registry);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        VendorResilience resilience = new VendorResilience(retries, limiters, breakers,
                new VendorCallMetrics(registry), properties, cap);

        for (String account : new String[] {"xtremepush-a", "xtremepush-b", "xtremepush-c"}) {
            resilience.retry("xtremepush", account);
            resilience.circuitBreaker("xtremepush", account);
        }
        assertThat(meteredAccounts(registry)).containsExactlyInAnyOrder("xtremepush-a", "xtremepush-b");

        // a and b go idle and leave; d arrives after them and gets a place (c may have taken the other one)
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            resilience.retry("xtremepush", "xtremepush-c"); // keeps c in use and runs the cache's upkeep
            assertThat(retries.find("xtremepush-a")).isEmpty();
            assertThat(retries.find("xtremepush-b")).isEmpty();
        });
        assertThat(meteredAccounts(registry)).doesNotContain("xtremepush-a", "xtremepush-b");
        resilience.retry("xtremepush", "xtremepush-d");
        resilience.circuitBreaker("xtremepush", "xtremepush-d");
        assertThat(meteredAccounts(registry)).contains("xtremepush-d").hasSizeLessThanOrEqualTo(2);
        for (String account : new String[] {"xtremepush-e", "xtremepush-f", "xtremepush-g"}) {
            resilience.retry("xtremepush", account);
            resilience.circuitBreaker("xtremepush", account);
        }
        assertThat(meteredAccounts(registry)).contains("xtremepush-d").hasSizeLessThanOrEqualTo(2);
    }
}
