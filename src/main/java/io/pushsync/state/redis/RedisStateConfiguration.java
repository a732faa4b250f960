package io.pushsync.state.redis;

import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushsync.state.StateProperties;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.history.HistoryProperties;
import io.pushsync.sync.jobs.JobProperties;
import java.time.Clock;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.jobs.JobSegments;
import io.pushsync.sync.snapshots.SnapshotProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code pushsync.state.store=redis}: the idempotency ledger, the job store, the shared rate limit, the shared
 * lookups, the snapshots of replace runs and the recent-runs index live in the Redis server of {@code spring.data.redis.*} (Boot's
 * auto-configured Lettuce connection factory), so that every replica sees the same state. Standalone Redis only (the
 * scripts touch several keys of one job, or of one snapshot).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = StateProperties.KEY, havingValue = StateProperties.REDIS)
public class RedisStateConfiguration {

    @Bean
    RedisTemplate<String, byte[]> pushsyncStateRedisTemplate(RedisConnectionFactory connectionFactory) {
        return bytesTemplate(connectionFactory);
    }

    /** Keys are strings, values and hash values raw bytes (gzip JSON, or short UTF-8 strings). */
    public static RedisTemplate<String, byte[]> bytesTemplate(RedisConnectionFactory connectionFactory) {
        RedisTemplate<String, byte[]> template = new RedisTemplate<>();
        template.setConnectionFactory(connectionFactory);
        template.setKeySerializer(RedisSerializer.string());
        template.setHashKeySerializer(RedisSerializer.string());
        template.setValueSerializer(RedisSerializer.byteArray());
        template.setHashValueSerializer(RedisSerializer.byteArray());
        template.afterPropertiesSet();
        return template;
    }

    @Bean
    RedisIdempotencyLedger redisIdempotencyLedger(RedisTemplate<String, byte[]> pushsyncStateRedisTemplate,
            StateProperties state, IdempotencyProperties idempotency, BatchProperties batch, JsonMapper json) {
        return new RedisIdempotencyLedger(pushsyncStateRedisTemplate, state.keyPrefix(), idempotency.ttl(),
                batch.deadline().plus(state.claimLeaseMargin()), json);
    }

    @Bean
    RedisJobStore redisJobStore(RedisTemplate<String, byte[]> pushsyncStateRedisTemplate, StateProperties state,
            JobSegments segments, JsonMapper json) {
        return new RedisJobStore(pushsyncStateRedisTemplate, state.keyPrefix(), segments, json);
    }

    @Bean
    RedisSharedRateLimit redisSharedRateLimit(LettuceConnectionFactory connectionFactory, StateProperties state,
            RateLimiterRegistry rateLimiters) {
        return new RedisSharedRateLimit(RedisSharedRateLimit.connector(connectionFactory), state.keyPrefix(),
                rateLimiters, state.rateLimitIdleExpiry());
    }

    @Bean
    RedisSharedLookups redisSharedLookups(RedisTemplate<String, byte[]> pushsyncStateRedisTemplate,
            StateProperties state, MeterRegistry meters) {
        return new RedisSharedLookups(pushsyncStateRedisTemplate, state.keyPrefix(), meters);
    }

    @Bean
    RedisSnapshotStore redisSnapshotStore(RedisTemplate<String, byte[]> pushsyncStateRedisTemplate,
            StateProperties state, SnapshotProperties snapshots) {
        return new RedisSnapshotStore(pushsyncStateRedisTemplate, state.keyPrefix(), snapshots.leaseTtl());
    }

    /** The recent runs of every replica; kept as long as the longer of the batch replay ttl and the job retention. */
    @Bean
    RedisRunHistory redisRunHistory(RedisTemplate<String, byte[]> pushsyncStateRedisTemplate, StateProperties state,
            HistoryProperties history, IdempotencyProperties idempotency, JobProperties jobs, JsonMapper json) {
        java.time.Duration retention = idempotency.ttl().compareTo(jobs.retention()) >= 0 ? idempotency.ttl()
                : jobs.retention();
        return new RedisRunHistory(pushsyncStateRedisTemplate, state.keyPrefix(), history.maxRuns(), retention, json,
                Clock.systemUTC());
    }
}
