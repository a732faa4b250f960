package io.pushsync.destination.cleverpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.resilience.AccountMeterCap;
import io.pushsync.resilience.ResilienceProperties;
import io.pushsync.resilience.VendorCallMetrics;
import io.pushsync.resilience.VendorResilience;
import io.pushsync.sync.Pace;
import io.pushsync.sync.SharedLookups;
import io.pushsync.sync.values.PhoneNumberProperties;
import io.pushsync.sync.values.PhoneNumbers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pace CleverPush declares ({@code Destination.pace()}): one call per row, {@code pushsync.cleverpush.concurrency}
 * in flight per batch, no bound per channel beyond its rate, {@code resilience4j.ratelimiter.configs.cleverpush}.
 */
class CleverPushPaceTest {

    private static CleverPushProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("pushsync.cleverpush", CleverPushProperties.class);
    }

    /** Rate limiter configs of both vendors, each its own: the adapter must read the one of its type. */
    private static VendorResilience resilience(int cleverpushLimit, Duration cleverpushPeriod) {
        RateLimiterRegistry limiters = RateLimiterRegistry.of(Map.of(
                "cleverpush", RateLimiterConfig.custom().limitForPeriod(cleverpushLimit)
                        .limitRefreshPeriod(cleverpushPeriod).build(),
                "xtremepush", RateLimiterConfig.custom().limitForPeriod(999)
                        .limitRefreshPeriod(Duration.ofSeconds(1)).build()));
        ResilienceProperties properties = new ResilienceProperties(Duration.ofHours(1), 100, true,
                Duration.ofSeconds(30), 50);
        return new VendorResilience(RetryRegistry.ofDefaults(), limiters, CircuitBreakerRegistry.ofDefaults(),
                new VendorCallMetrics(new SimpleMeterRegistry()), properties, new AccountMeterCap(properties));
    }

    private static CleverPushDestination destination(CleverPushProperties properties, VendorResilience resilience) {
        JsonMapper json = JsonMapper.builder().build();
        return new CleverPushDestination(new CleverPushClient(properties, WebClient.builder(), null, json),
                properties, new DefaultListableBeanFactory().getBeanProvider(SharedLookups.class),
                new PhoneNumberProperties(PhoneNumbers.Validation.POSSIBLE), resilience);
    }

    @Test
    void concurrencyAndTheChannelsRateMakeThePace() {
        CleverPushProperties properties = bind(Map.of("pushsync.cleverpush.concurrency", "5"));
        // 45 requests per 2 seconds: 22.5 a second
        assertThat(destination(properties, resilience(45, Duration.ofSeconds(2))).pace())
                .isEqualTo(new Pace(1, 5, null, 22.5));
    }

    @Test
    void theDefaultsMakeTheShippedPace() {
        assertThat(destination(bind(Map.of()), resilience(20, Duration.ofSeconds(1))).pace())
                .isEqualTo(new Pace(1, 8, null, 20.0));
    }
}
