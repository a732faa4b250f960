package io.pushsync.state;

import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.state.*}: where replicas keep shared state.
 *
 * @param store {@code in-process} (default: nothing shared, no Redis connection) or {@code redis} (the
 *     {@code spring.data.redis.*} server holds the idempotency ledger, the jobs, the rate-limit buckets, the shared
 *     lookups and the snapshots of replace runs)
 * @param keyPrefix prefix of every Redis key pushsync writes (several deployments may share one Redis database)
 * @param claimLeaseMargin a running batch's idempotency claim lives {@code pushsync.batch.deadline} plus this margin:
 *     if the replica running it dies, the claim frees itself after that
 * @param rateLimitIdleExpiry a vendor account's rate-limit bucket is dropped from Redis after this long without use
 *     (never sooner than it takes the bucket to refill)
 */
@ConfigurationProperties("pushsync.state")
public record StateProperties(
        @DefaultValue(IN_PROCESS) String store,
        @DefaultValue("pushsync:") String keyPrefix,
        @DefaultValue("1m") Duration claimLeaseMargin,
        @DefaultValue("1h") Duration rateLimitIdleExpiry) {

    public static final String KEY = "pushsync.state.store";
    public static final String IN_PROCESS = "in-process";
    public static final String REDIS = "redis";

    public StateProperties {
        store = validStore(store);
        if (keyPrefix == null) {
            keyPrefix = "";
        }
        if (claimLeaseMargin.isNegative() || rateLimitIdleExpiry.isNegative() || rateLimitIdleExpiry.isZero()) {
            throw new IllegalArgumentException("pushsync.state.claim-lease-margin and "
                    + "pushsync.state.rate-limit-idle-expiry must be positive");
        }
    }

    public boolean isRedis() {
        return REDIS.equals(store);
    }

    /** The store named by {@value #KEY}, lower case; anything but the two known values is refused. */
    public static String validStore(String value) {
        String store = value == null || value.isBlank() ? IN_PROCESS : value.trim().toLowerCase(Locale.ROOT);
        if (!IN_PROCESS.equals(store) && !REDIS.equals(store)) {
            throw new IllegalArgumentException(KEY + " must be '" + IN_PROCESS + "' or '" + REDIS + "', not '"
                    + value + "'");
        }
        return store;
    }
}
