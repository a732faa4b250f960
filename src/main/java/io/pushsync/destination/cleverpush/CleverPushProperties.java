package io.pushsync.destination.cleverpush;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code pushsync.cleverpush.*}.
 *
 * @param baseUrl the API's base URL; only from configuration, never from a request
 * @param concurrency calls in flight at once per batch (the channel's rate limiter caps all batches together)
 * @param requestTimeout response timeout of one call
 * @param connectTimeout TCP connect timeout
 * @param maxResponseSize a larger answer is not read (its HTTP status still decides)
 * @param defaultPhoneRegion ISO region for national phone numbers (leading 0); empty: such numbers are rejected
 * @param maxTagsPerRow a tags row naming more tags fails with {@code invalid_field} (each tag is one call)
 * @param subscriptionIds the cache of native subscription ids found for external user ids
 * @param precheckTtl how long a channel's custom attributes (for the checks before sending) are reused
 */
@ConfigurationProperties("pushsync.cleverpush")
public record CleverPushProperties(
        @DefaultValue("https://api.cleverpush.com") String baseUrl,
        @DefaultValue("8") int concurrency,
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("1MB") DataSize maxResponseSize,
        @DefaultValue("") String defaultPhoneRegion,
        @DefaultValue("100") int maxTagsPerRow,
        @DefaultValue SubscriptionIdCache subscriptionIds,
        @DefaultValue("60s") Duration precheckTtl) {

    public CleverPushProperties {
        if (concurrency < 1) {
            throw new IllegalArgumentException("pushsync.cleverpush.concurrency must be positive, was " + concurrency);
        }
        if (precheckTtl.isNegative()) {
            throw new IllegalArgumentException("pushsync.cleverpush.precheck-ttl must not be negative");
        }
    }

    /**
     * {@code pushsync.cleverpush.subscription-ids.*}.
     *
     * @param maxSize ids held by one replica (about 150 bytes each)
     * @param ttl how long an id is reused before it is looked up again (also in the shared store)
     */
    public record SubscriptionIdCache(
            @DefaultValue("100000") long maxSize,
            @DefaultValue("1h") Duration ttl) {

        public SubscriptionIdCache {
            if (maxSize < 0 || ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("pushsync.cleverpush.subscription-ids.max-size must not be "
                        + "negative and pushsync.cleverpush.subscription-ids.ttl must be positive");
            }
        }
    }
}
