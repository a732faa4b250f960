package io.pushsync.destination.xtremepush;

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
import io.pushsync.sync.values.PhoneNumberProperties;
import io.pushsync.sync.values.PhoneNumbers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pace Xtremepush declares ({@code Destination.pace()}): chunks of {@code pushsync.xtremepush.chunk-size} rows,
 * one at a time per batch, {@code chunks-in-flight} per app token, at the rate of
 * {@code resilience4j.ratelimiter.configs.xtremepush}.
 */
class XtremepushPaceTest {

    private static XtremepushProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("pushsync.xtremepush", XtremepushProperties.class);
    }

    /** Rate limiter configs of both vendors, each its own: the adapter must read the one of its type. */
    private static VendorResilience resilience(int xtremepushLimit, Duration xtremepushPeriod) {
        RateLimiterRegistry limiters = RateLimiterRegistry.of(Map.of(
                "xtremepush", RateLimiterConfig.custom().limitForPeriod(xtremepushLimit)
                        .limitRefreshPeriod(xtremepushPeriod).build(),
                "cleverpush", RateLimiterConfig.custom().limitForPeriod(999)
                        .limitRefreshPeriod(Duration.ofSeconds(1)).build()));
        ResilienceProperties properties = new ResilienceProperties(Duration.ofHours(1), 100, true,
                Duration.ofSeconds(30), 50);
        return new VendorResilience(RetryRegistry.ofDefaults(), limiters, CircuitBreakerRegistry.ofDefaults(),
                new VendorCallMetrics(new SimpleMeterRegistry()), properties, new AccountMeterCap(properties));
    }

    private static XtremepushDestination destination(XtremepushProperties properties, VendorResilience resilience) {
        return new XtremepushDestination(
                new XtremepushClient(properties, WebClient.builder(), null, JsonMapper.builder().build()),
                properties, new ChunkLanes(properties),
                new PhoneNumberProperties(PhoneNumbers.Validation.POSSIBLE), resilience);
    }

    @Test
    void chunkSizeChunksInFlightAndTheAppTokensRateMakeThePace() {
        XtremepushProperties properties = bind(Map.of(
                "pushsync.xtremepush.chunk-size", "321",
                "pushsync.xtremepush.chunks-in-flight", "3"));
        // 7 requests per 500ms: 14 a second
        assertThat(destination(properties, resilience(7, Duration.ofMillis(500))).pace())
                .isEqualTo(new Pace(321, 1, 3, 14.0));
    }

    @Test
    void theDefaultsMakeTheShippedPace() {
        assertThat(destination(bind(Map.of()), resilience(5, Duration.ofSeconds(1))).pace())
                .isEqualTo(new Pace(5000, 1, 2, 5.0));
    }
}
