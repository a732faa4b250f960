package io.pushsync.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.pushsync.sync.StateStoreUnavailableException;
import io.pushsync.testsupport.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.RedisTemplate;

/** The Bucket4j bucket in Redis, taken from two independent clients as two replicas would. */
class RedisSharedRateLimitTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final String prefix = RedisServerExtension.uniquePrefix();
    private final List<RedisClient> clients = new ArrayList<>();
    private final List<RedisSharedRateLimit> limits = new ArrayList<>();

    @AfterEach
    void close() {
        limits.forEach(RedisSharedRateLimit::destroy);
        clients.forEach(RedisClient::shutdown);
    }

    /** A replica: a Lettuce client of its own. */
    private RedisSharedRateLimit replica(int limit, Duration period, Duration timeout, Duration idleExpiry) {
        RedisClient client = RedisClient.create(RedisURI.create(REDIS.host(), REDIS.port()));
        clients.add(client);
        RateLimiterRegistry registry = RateLimiterRegistry.of(Map.of("testvendor", RateLimiterConfig.custom()
                .limitForPeriod(limit).limitRefreshPeriod(period).timeoutDuration(timeout).build()));
        RedisSharedRateLimit shared = new RedisSharedRateLimit(
                () -> client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)), prefix, registry,
                idleExpiry);
        limits.add(shared);
        return shared;
    }

    @Test
    void twoReplicasHammeringOneAccountStayWithinTheConfiguredRate() throws Exception {
        int limit = 10;
        Duration period = Duration.ofSeconds(1);
        List<RedisSharedRateLimit> replicas = List.of(
                replica(limit, period, Duration.ofSeconds(5), Duration.ofMinutes(1)),
                replica(limit, period, Duration.ofSeconds(5), Duration.ofMinutes(1)));
        List<Long> grants = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger[] perReplica = {new AtomicInteger(), new AtomicInteger()};
        long stopAt = System.nanoTime() + Duration.ofMillis(2_800).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int r = w % 2;
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < stopAt) {
                        replicas.get(r).acquire("testvendor", "testvendor-0123456789ab").block();
                        grants.add(System.nanoTime());
                        perReplica[r].incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Long> sorted = new ArrayList<>(grants);
        Collections.sort(sorted);
        double elapsedPeriods = (sorted.get(sorted.size() - 1) - sorted.get(0)) / (double) period.toNanos();
        int allowed = limit * ((int) Math.ceil(elapsedPeriods) + 1); // every period started + the initial bucket
        assertThat(sorted.size()).as("granted in %.2f periods", elapsedPeriods).isLessThanOrEqualTo(allowed)
                .isGreaterThanOrEqualTo(limit * (int) Math.floor(elapsedPeriods));
        assertThat(perReplica[0].get()).as("both replicas were served").isPositive();
        assertThat(perReplica[1].get()).as("both replicas were served").isPositive();
        // no period ever grants more than the limit: any window of one period sees at most the two halves of two
        for (int i = 0; i < sorted.size(); i++) {
            long from = sorted.get(i);
            long inWindow = sorted.stream().filter(t -> t >= from && t < from + period.toNanos()).count();
            assertThat(inWindow).as("grants within one period from grant %d", i).isLessThanOrEqualTo(2L * limit);
        }
    }

    @Test
    void noTokenWithinTheTimeoutIsRequestNotPermitted() {
        RedisSharedRateLimit a = replica(1, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofMinutes(1));
        RedisSharedRateLimit b = replica(1, Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofMinutes(1));
        a.acquire("testvendor", "testvendor-aaaaaaaaaaaa").block();
        long started = System.nanoTime();
        assertThatThrownBy(() -> b.acquire("testvendor", "testvendor-aaaaaaaaaaaa").block())
                .isInstanceOf(RequestNotPermitted.class)
                .hasMessageContaining("testvendor-aaaaaaaaaaaa");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no point waiting for a refill beyond the timeout")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(b.acquire("testvendor", "testvendor-bbbbbbbbbbbb").blockOptional())
                .as("another account has a bucket of its own").isEmpty();
    }

    @Test
    void aRequestWaitsForTheNextRefillWithinTheTimeout() {
        RedisSharedRateLimit a = replica(2, Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofMinutes(1));
        RedisSharedRateLimit b = replica(2, Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofMinutes(1));
        long started = System.nanoTime();
        a.acquire("testvendor", "testvendor-cccccccccccc").block();
        b.acquire("testvendor", "testvendor-cccccccccccc").block();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(400));
        b.acquire("testvendor", "testvendor-cccccccccccc").block();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the third waited for the refill")
                .isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anIdleBucketLeavesRedis() {
        // 2 s of idle life: long enough to see the key on a loaded machine, short enough to see it go
        RedisSharedRateLimit a = replica(5, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(2));
        a.acquire("testvendor", "testvendor-dddddddddddd").block();
        RedisTemplate<String, byte[]> redis = RedisServerExtension.bytesTemplate(REDIS.connectionFactory());
        String key = prefix + "rate:testvendor-dddddddddddd:5/200";
        assertThat(redis.hasKey(key)).isTrue();
        assertThat(redis.getExpire(key, TimeUnit.MILLISECONDS)).isPositive().isLessThanOrEqualTo(2_500L);
        await().atMost(Duration.ofSeconds(10)).until(() -> !redis.hasKey(key));
    }

    @Test
    void aRedisThatCannotBeReachedIsAStateStoreFailure() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", 1));
        clients.add(client);
        RateLimiterRegistry registry = RateLimiterRegistry.of(Map.of("testvendor", RateLimiterConfig.ofDefaults()));
        RedisSharedRateLimit shared = new RedisSharedRateLimit(
                () -> client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)), prefix, registry,
                Duration.ofMinutes(1));
        assertThatThrownBy(() -> shared.acquire("testvendor", "testvendor-eeeeeeeeeeee").block())
                .isInstanceOf(StateStoreUnavailableException.class);
    }
}
