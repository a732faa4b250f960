package io.pushsync.state.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.history.AbstractRunHistoryContractTest;
import io.pushsync.sync.history.RunHistory;
import io.pushsync.sync.history.RunRecord;
import io.pushsync.testsupport.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import tools.jackson.databind.json.JsonMapper;

class RedisRunHistoryContractTest extends AbstractRunHistoryContractTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String prefix = RedisServerExtension.uniquePrefix();

    @Override
    protected RunHistory history(int maxRuns, Duration retention) {
        return new RedisRunHistory(RedisServerExtension.bytesTemplate(REDIS.connectionFactory()), prefix, maxRuns,
                retention, JSON, clock);
    }

    @Test
    void oneReplicaSeesTheRunsOfAnotherInOneSortedSetThatExpires() {
        LettuceConnectionFactory other = REDIS.newConnectionFactory();
        try {
            RunHistory a = history(10, Duration.ofHours(1));
            RunHistory b = new RedisRunHistory(RedisServerExtension.bytesTemplate(other), prefix, 10,
                    Duration.ofHours(1), JSON, clock);
            a.record(RunRecord.job("job-a", "s", "b1", "cleverpush", "tags", "add", now.get()));
            now.set(now.get().plusSeconds(1));
            b.record(RunRecord.job("job-b", "s", "b2", "cleverpush", "tags", "add", now.get()));
            assertThat(a.recent(10)).extracting(RunRecord::jobId).containsExactly("job-b", "job-a");
            RedisTemplate<String, byte[]> redis = RedisServerExtension.bytesTemplate(REDIS.connectionFactory());
            assertThat(redis.opsForZSet().size(prefix + "history")).isEqualTo(2);
            assertThat(redis.getExpire(prefix + "history")).isBetween(3000L, 3600L);
        } finally {
            other.destroy();
        }
    }
}
