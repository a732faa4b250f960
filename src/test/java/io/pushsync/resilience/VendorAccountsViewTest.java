package io.pushsync.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.VendorAccounts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the console and {@code /v1/accounts} show of an account: digest name, circuit, rate, recent 429s. */
class VendorAccountsViewTest {

    private final RateLimiterRegistry limiters = RateLimiterRegistry.of(Map.of("cleverpush", RateLimiterConfig
            .custom().limitForPeriod(20).limitRefreshPeriod(Duration.ofSeconds(1)).build()));
    private final CircuitBreakerRegistry breakers =
            CircuitBreakerRegistry.of(Map.of("cleverpush", CircuitBreakerConfig.ofDefaults()));
    private final VendorResilience resilience = new VendorResilience(
            RetryRegistry.of(Map.of("cleverpush", RetryConfig.ofDefaults())), limiters, breakers,
            new VendorCallMetrics(new SimpleMeterRegistry()),
            new ResilienceProperties(Duration.ofHours(1), 100, true, Duration.ofSeconds(30), 50),
            new AccountMeterCap(new ResilienceProperties(Duration.ofHours(1), 100, true, Duration.ofSeconds(30), 50)));

    @Test
    void anAccountIsShownByItsDigestWithItsCircuitItsRateAndItsRecent429s() {
        String secret = "channel-api-key-very-secret";
        String name = VendorResilience.accountName("cleverpush", secret);
        resilience.circuitBreaker("cleverpush", name);
        resilience.rateLimiter("cleverpush", name);
        assertThat(resilience.accounts()).singleElement().satisfies(a -> {
            assertThat(a.account()).isEqualTo(name).startsWith("cleverpush-").doesNotContain(secret);
            assertThat(a.vendor()).isEqualTo("cleverpush");
            assertThat(a.circuit()).isEqualTo("closed");
            assertThat(a.limitForPeriod()).isEqualTo(20);
            assertThat(a.requestsPerSecond()).isEqualTo(20.0);
            assertThat(a.recent429s()).isZero();
            assertThat(a.last429()).isNull();
        });

        resilience.onRateLimited("cleverpush", name);
        resilience.onRateLimited("cleverpush", name);
        breakers.circuitBreaker(name).transitionToOpenState();
        VendorAccounts.Account after = resilience.accounts().get(0);
        assertThat(after.circuit()).isEqualTo("open");
        assertThat(after.limitForPeriod()).as("one burst halves the rate once").isEqualTo(10);
        assertThat(after.configuredLimitForPeriod()).isEqualTo(20);
        assertThat(after.requestsPerSecond()).isEqualTo(10.0);
        assertThat(after.recent429s()).isEqualTo(2);
        assertThat(after.last429()).isNotNull();
        assertThat(resilience.recentWindow()).isEqualTo(Duration.ofMinutes(15));
    }
}
