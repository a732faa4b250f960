package io.pushsync.state.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.jobs.AbstractJobStoreContractTest;
import io.pushsync.sync.jobs.JobProgress;
import io.pushsync.sync.jobs.JobSpec;
import io.pushsync.sync.jobs.JobStore;
import io.pushsync.testsupport.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import tools.jackson.databind.json.JsonMapper;

class RedisJobStoreContractTest extends AbstractJobStoreContractTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final String prefix = RedisServerExtension.uniquePrefix();

    @Override
    protected RedisJobStore store() {
        return new RedisJobStore(RedisServerExtension.bytesTemplate(REDIS.connectionFactory()), prefix, SEGMENTS,
                JsonMapper.builder().build());
    }

    @Test
    void aJobCreatedByOneReplicaIsReadAndCancelledByAnother() {
        LettuceConnectionFactory other = REDIS.newConnectionFactory();
        try {
            JobStore a = store();
            JobStore b = new RedisJobStore(RedisServerExtension.bytesTemplate(other), prefix, SEGMENTS,
                    JsonMapper.builder().build());
            JobSpec spec = spec(newJobId(), "b1", "fp", 3, 2);
            a.create(spec, JobProgress.queued(Instant.now()), ids(3), TTL);
            assertThat(b.find(spec.jobId())).isPresent();
            assertThat(b.rowIds(spec.jobId(), 1)).containsExactly("row-2");
            assertThat(b.create(spec(newJobId(), "b1", "fp", 3, 2), JobProgress.queued(Instant.now()), ids(3), TTL))
                    .isEqualTo(new JobStore.Existing(spec.jobId()));
            assertThat(b.requestCancel(spec.jobId(), Instant.now())).isTrue();
            assertThat(a.isCancelRequested(spec.jobId())).isTrue();
        } finally {
            other.destroy();
        }
    }

    @Test
    void everyKeyOfAJobHasATtlAndFinishShortensIt() {
        RedisJobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 3, 2);
        store.create(spec, JobProgress.queued(Instant.now()), ids(3), Duration.ofHours(2));
        store.saveResults(spec.jobId(), 0, List.of());
        RedisTemplate<String, byte[]> redis = RedisServerExtension.bytesTemplate(REDIS.connectionFactory());
        Set<String> keys = redis.keys(prefix + "*");
        assertThat(keys).containsExactlyInAnyOrder(store.jobKey(spec.jobId()), store.jobKey(spec.jobId()) + ":ids",
                store.jobKey(spec.jobId()) + ":results", store.claimKey(spec.syncId(), spec.batchId()));
        keys.forEach(k -> assertThat(redis.getExpire(k)).as(k).isBetween(7000L, 7200L));

        store.finish(spec.jobId(), JobProgress.queued(Instant.now()), Duration.ofMinutes(10));
        keys.forEach(k -> assertThat(redis.getExpire(k)).as(k).isBetween(500L, 600L));
    }
}
