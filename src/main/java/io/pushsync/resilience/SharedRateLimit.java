package io.pushsync.resilience;

import reactor.core.publisher.Mono;

/**
 * A vendor account's rate limit held in common by every replica of pushsync (for example a token bucket in Redis).
 * It comes on top of the in-process limiter of {@link VendorResilience}, which stays adaptive (a 429 slows this
 * replica down); this one makes sure that all replicas together never exceed the configured rate.
 *
 * <p>The default, {@link #NONE}, grants at once: a single instance needs only its in-process limiter.
 */
public interface SharedRateLimit {

    SharedRateLimit NONE = (vendor, account) -> Mono.empty();

    /**
     * Completes (empty) when one request to {@code account} of {@code vendor} may be sent, waiting as long as the
     * shared bucket needs; errors with {@link io.github.resilience4j.ratelimiter.RequestNotPermitted} when no permit
     * comes within the vendor's configured rate-limiter timeout.
     */
    Mono<Void> acquire(String vendor, String account);
}
