package io.pushsync.resilience;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * One Retry and one RateLimiter per vendor account, built from the vendor's YAML config
 * ({@code resilience4j.retry.configs.<vendor>}, {@code resilience4j.ratelimiter.configs.<vendor>}).
 *
 * <p>Instance names are {@code <vendor>-<account digest>}: a short SHA-256 digest of the credential, so that
 * neither metrics nor logs ever carry the credential itself.
 *
 * <p>On top of the YAML policy, the retry (1) retries only {@link TransientVendorException}, (2) makes the first
 * retry immediate and backs off from the second on (the vendors' advice), and (3) never waits less than the
 * {@code Retry-After} the vendor gave.
 */
@Component
public class VendorResilience {

    private final RetryRegistry retries;
    private final RateLimiterRegistry rateLimiters;
    private final VendorCallMetrics metrics;
    private final Map<String, RetryConfig> retryConfigs = new ConcurrentHashMap<>();
    /** Accounts seen recently; an idle one leaves the registries (and their meters) instead of staying forever. */
    private final Cache<String, Boolean> accounts;

    public VendorResilience(RetryRegistry retries, RateLimiterRegistry rateLimiters, VendorCallMetrics metrics,
            ResilienceProperties properties) {
        this.retries = retries;
        this.rateLimiters = rateLimiters;
        this.metrics = metrics;
        this.accounts = Caffeine.newBuilder()
                .expireAfterAccess(properties.accountIdleTimeout())
                .maximumSize(properties.maxAccounts())
                .executor(Runnable::run) // evict on the calling thread: no background pool needed
                .<String, Boolean>removalListener((name, v, cause) -> {
                    if (cause.wasEvicted()) {
                        retries.remove(name);
                        rateLimiters.remove(name);
                    }
                })
                .build();
    }

    /** The account's instance name: vendor plus a digest of the credential. */
    public static String accountName(String vendor, String credential) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((vendor + "\0" + credential).getBytes(StandardCharsets.UTF_8));
            return vendor + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Retry retry(String vendor, String accountName) {
        accounts.get(accountName, name -> Boolean.TRUE);
        return retries.find(accountName).orElseGet(() -> newRetry(vendor, accountName));
    }

    public RateLimiter rateLimiter(String vendor, String accountName) {
        accounts.get(accountName, name -> Boolean.TRUE);
        return rateLimiters.rateLimiter(accountName, configName(rateLimiters.getConfiguration(vendor).isPresent(),
                vendor));
    }

    /** The retry policy in force for a vendor: its YAML config plus the rules above. */
    public RetryConfig retryConfig(String vendor) {
        return retryConfigs.computeIfAbsent(vendor, this::buildRetryConfig);
    }

    private synchronized Retry newRetry(String vendor, String accountName) {
        boolean exists = retries.find(accountName).isPresent();
        Retry retry = retries.retry(accountName, retryConfig(vendor));
        if (!exists) {
            retry.getEventPublisher().onRetry(event -> {
                Throwable t = event.getLastThrowable();
                String reason = t instanceof TransientVendorException tve ? tve.reason().tag() : "io_error";
                metrics.recordRetry(vendor, reason);
            });
        }
        return retry;
    }

    private RetryConfig buildRetryConfig(String vendor) {
        RetryConfig base = retries.getConfiguration(vendor).orElseThrow(() -> new IllegalStateException(
                "no retry config resilience4j.retry.configs." + vendor + " is defined"));
        IntervalBiFunction<Object> backoff = base.getIntervalBiFunction();
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            long wait = attempt <= 1 ? 0L : backoff.apply(attempt - 1, outcome);
            if (outcome.isLeft() && outcome.getLeft() instanceof TransientVendorException tve
                    && tve.retryAfter().isPresent()) {
                wait = Math.max(wait, tve.retryAfter().get().toMillis());
            }
            return wait;
        };
        return RetryConfig.<Object>from(base)
                .intervalBiFunction(interval)
                .retryOnException(t -> t instanceof TransientVendorException)
                .build();
    }

    private static String configName(boolean present, String vendor) {
        if (!present) {
            throw new IllegalStateException("no rate limiter config resilience4j.ratelimiter.configs." + vendor);
        }
        return vendor;
    }
}
