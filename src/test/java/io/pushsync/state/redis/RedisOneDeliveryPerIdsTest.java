package io.pushsync.state.redis;

import io.pushsync.sync.idempotency.IdempotencyLedger;
import io.pushsync.sync.jobs.AbstractOneDeliveryPerIdsTest;
import io.pushsync.sync.jobs.JobSegments;
import io.pushsync.sync.jobs.JobStore;
import io.pushsync.sync.jobs.LocalJobServices;
import io.pushsync.testsupport.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisOneDeliveryPerIdsTest extends AbstractOneDeliveryPerIdsTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final String prefix = RedisServerExtension.uniquePrefix();

    @Override
    protected JobStore jobStore() {
        return new RedisJobStore(RedisServerExtension.bytesTemplate(REDIS.connectionFactory()), prefix,
                new JobSegments(LocalJobServices.JSON), LocalJobServices.JSON);
    }

    @Override
    protected IdempotencyLedger ledger() {
        return new RedisIdempotencyLedger(RedisServerExtension.bytesTemplate(REDIS.connectionFactory()), prefix,
                Duration.ofHours(1), Duration.ofMinutes(11), LocalJobServices.JSON);
    }
}
