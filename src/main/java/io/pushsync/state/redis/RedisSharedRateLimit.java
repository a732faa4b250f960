package io.pushsync.state.redis;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.pushsync.resilience.SharedRateLimit;
import io.pushsync.sync.StateStoreUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One Bucket4j token bucket per vendor account in Redis ({@code <prefix>rate:<account>:<limit>/<period ms>}), shared
 * by every replica: the account's requests from all replicas together stay within the vendor's configured
 * {@code resilience4j.ratelimiter.configs.<vendor>} rate.
 *
 * <p>The bucket holds {@code limit-for-period} tokens and is refilled <em>intervally</em>: all of them at once, every
 * {@code limit-refresh-period}. So no refresh period ever grants more than {@code limit-for-period} requests in all,
 * the same fixed-cycle rule as Resilience4j's in-process limiter (a greedy refill would hand out tokens during the
 * period as well, up to twice the limit in the first one). The configured rate is part of the key, so a change of
 * configuration starts a fresh bucket. An idle bucket expires ({@code pushsync.state.rate-limit-idle-expiry}).
 *
 * <p>A request that gets no token waits as long as Bucket4j says the refill takes, then tries again, until the
 * vendor's {@code timeout-duration} is used up: then {@link RequestNotPermitted}. The adaptive slow-down after a 429
 * stays in the replica's own limiter.
 */
public class RedisSharedRateLimit implements SharedRateLimit, DisposableBean {

    private final Supplier<StatefulRedisConnection<String, byte[]>> connector;
    private final String prefix;
    private final RateLimiterRegistry rateLimiters;
    private final Duration idleExpiry;
    private final Map<String, RateLimiterConfig> configs = new ConcurrentHashMap<>();
    private StatefulRedisConnection<String, byte[]> connection;
    private volatile AsyncProxyManager<String> buckets;

    /**
     * @param connector opens the connection the buckets use, at the first request (so start-up needs no Redis)
     */
    public RedisSharedRateLimit(Supplier<StatefulRedisConnection<String, byte[]>> connector, String keyPrefix,
            RateLimiterRegistry rateLimiters, Duration idleExpiry) {
        this.connector = connector;
        this.prefix = keyPrefix;
        this.rateLimiters = rateLimiters;
        this.idleExpiry = idleExpiry;
    }

    /** A connection of the Lettuce client behind Boot's connection factory (same host, password, database, TLS). */
    static Supplier<StatefulRedisConnection<String, byte[]>> connector(LettuceConnectionFactory factory) {
        return () -> {
            AbstractRedisClient client = factory.getRequiredNativeClient();
            if (!(client instanceof RedisClient)) {
                throw new IllegalStateException("the shared rate limit needs a standalone Redis (spring.data.redis"
                        + ".host/port), not " + client.getClass().getSimpleName());
            }
            return ((RedisClient) client).connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        };
    }

    @Override
    public Mono<Void> acquire(String vendor, String account) {
        return Mono.defer(() -> {
            RateLimiterConfig config = config(vendor);
            long deadline = System.nanoTime() + config.getTimeoutDuration().toNanos();
            BucketConfiguration bucketConfig = bucketConfiguration(config);
            AsyncProxyManager<String> ready = buckets;
            // the first call connects (blocking): never on the caller's thread, which may be an I/O thread
            Mono<AsyncProxyManager<String>> manager = ready != null ? Mono.just(ready)
                    : Mono.fromCallable(this::buckets).subscribeOn(Schedulers.boundedElastic());
            return manager.flatMap(m -> take(m.builder()
                    .build(key(account, config), () -> CompletableFuture.completedFuture(bucketConfig)),
                    deadline, account, config));
        }).onErrorMap(e -> !(e instanceof RequestNotPermitted) && !(e instanceof StateStoreUnavailableException),
                e -> new StateStoreUnavailableException("the shared rate limit (Redis) failed: " + e.getMessage(), e));
    }

    private Mono<Void> take(AsyncBucketProxy bucket, long deadline, String account, RateLimiterConfig config) {
        return Mono.fromFuture(() -> bucket.tryConsumeAndReturnRemaining(1)).flatMap(probe -> {
            if (probe.isConsumed()) {
                return Mono.<Void>empty();
            }
            long wait = waitNanos(probe);
            if (wait > deadline - System.nanoTime()) {
                return Mono.<Void>error(RequestNotPermitted.createRequestNotPermitted(
                        RateLimiter.of(account + " (shared)", config)));
            }
            // other replicas may take the refill first: then this waits for the next one
            return Mono.delay(Duration.ofNanos(wait)).then(Mono.defer(() -> take(bucket, deadline, account, config)));
        });
    }

    private static long waitNanos(ConsumptionProbe probe) {
        return Math.max(1_000_000L, probe.getNanosToWaitForRefill());
    }

    String key(String account, RateLimiterConfig config) {
        return prefix + "rate:" + account + ":" + config.getLimitForPeriod() + "/"
                + config.getLimitRefreshPeriod().toMillis();
    }

    private RateLimiterConfig config(String vendor) {
        return configs.computeIfAbsent(vendor, v -> rateLimiters.getConfiguration(v).orElseThrow(
                () -> new IllegalStateException("no rate limiter config resilience4j.ratelimiter.configs." + v)));
    }

    static BucketConfiguration bucketConfiguration(RateLimiterConfig config) {
        int limit = config.getLimitForPeriod();
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(limit).refillIntervally(limit, config.getLimitRefreshPeriod()))
                .build();
    }

    private AsyncProxyManager<String> buckets() {
        AsyncProxyManager<String> b = buckets;
        if (b != null) {
            return b;
        }
        synchronized (this) {
            if (buckets == null) {
                connection = connector.get();
                buckets = Bucket4jLettuce.casBasedBuilder(connection)
                        .expirationAfterWrite(
                                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(idleExpiry))
                        .build()
                        .asAsync();
            }
            return buckets;
        }
    }

    @Override
    public synchronized void destroy() {
        if (connection != null) {
            connection.close();
        }
    }
}
