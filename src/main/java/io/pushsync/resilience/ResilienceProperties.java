package io.pushsync.resilience;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.resilience.*}: lifetime of the per-account Retry and RateLimiter instances.
 *
 * @param accountIdleTimeout an account unused this long leaves the registries (its limiter starts afresh)
 * @param maxAccounts accounts held at once; beyond it the least used leave first
 * @param adaptiveRate whether a 429 slows the account's rate limiter down (halves it)
 * @param quietPeriod time without a 429 after which a slowed-down rate climbs back one step
 * @param maxAccountMeters accounts whose Resilience4j meters are registered at once ({@link AccountMeterCap})
 */
@ConfigurationProperties("pushsync.resilience")
public record ResilienceProperties(
        @DefaultValue("1h") Duration accountIdleTimeout,
        @DefaultValue("10000") long maxAccounts,
        @DefaultValue("true") boolean adaptiveRate,
        @DefaultValue("30s") Duration quietPeriod,
        @DefaultValue("50") int maxAccountMeters) {

    public ResilienceProperties {
        if (maxAccountMeters < 0) {
            throw new IllegalArgumentException("pushsync.resilience.max-account-meters must be 0 or more, was "
                    + maxAccountMeters);
        }
    }
}
