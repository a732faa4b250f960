package io.pushsync.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.StateStoreUnavailableException;
import io.pushsync.sync.idempotency.AbstractIdempotencyLedgerContractTest;
import io.pushsync.sync.idempotency.IdempotencyLedger;
import io.pushsync.sync.idempotency.IdempotencyLedger.InProgress;
import io.pushsync.sync.idempotency.IdempotencyLedger.Replay;
import io.pushsync.sync.idempotency.IdempotencyLedger.Started;
import io.pushsync.testsupport.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import tools.jackson.databind.json.JsonMapper;

class RedisIdempotencyLedgerContractTest extends AbstractIdempotencyLedgerContractTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String prefix = RedisServerExtension.uniquePrefix();

    @Override
    protected IdempotencyLedger ledger(Duration ttl) {
        return ledger(ttl, Duration.ofMinutes(11));
    }

    private RedisIdempotencyLedger ledger(Duration ttl, Duration lease) {
        return new RedisIdempotencyLedger(RedisServerExtension.bytesTemplate(REDIS.connectionFactory()), prefix, ttl,
                lease, JSON);
    }

    @Test
    void aBatchRunOnOneReplicaIsKnownToAnother() {
        LettuceConnectionFactory other = REDIS.newConnectionFactory();
        try {
            IdempotencyLedger a = ledger();
            IdempotencyLedger b = new RedisIdempotencyLedger(RedisServerExtension.bytesTemplate(other), prefix,
                    Duration.ofHours(1), Duration.ofMinutes(11), JSON);
            BatchResponse stored = response("b1");
            assertThat(a.begin(sync, "b1", "fp")).isInstanceOf(Started.class);
            assertThat(b.begin(sync, "b1", "fp")).isInstanceOf(InProgress.class);
            b.abandon(sync, "b1", "fp");
            assertThat(a.begin(sync, "b1", "fp")).as("b never held the claim: its abandon frees nothing")
                    .isInstanceOf(InProgress.class);
            a.complete(sync, "b1", "fp", stored);
            assertThat(b.begin(sync, "b1", "fp")).isInstanceOf(Replay.class)
                    .extracting(c -> ((Replay) c).response()).isEqualTo(stored);
        } finally {
            other.destroy();
        }
    }

    @Test
    void theClaimOfAReplicaThatDiedFreesItselfAfterTheLease() {
        RedisIdempotencyLedger dead = ledger(Duration.ofHours(1), Duration.ofMillis(300));
        assertThat(dead.begin(sync, "b1", "fp")).isInstanceOf(Started.class);
        RedisIdempotencyLedger alive = ledger(Duration.ofHours(1), Duration.ofMinutes(11));
        assertThat(alive.begin(sync, "b1", "fp")).isInstanceOf(InProgress.class);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> alive.begin(sync, "b1", "fp") instanceof Started);
        dead.abandon(sync, "b1", "fp");
        assertThat(alive.begin(sync, "b1", "fp")).as("the late abandon of the dead claim spares the new one")
                .isInstanceOf(InProgress.class);
    }

    @Test
    void keysCarryThePrefixAndAHashOfThePairWithATtl() {
        RedisIdempotencyLedger ledger = ledger(Duration.ofHours(2), Duration.ofMinutes(11));
        ledger.begin(sync, "b1", "fp");
        RedisTemplate<String, byte[]> redis = RedisServerExtension.bytesTemplate(REDIS.connectionFactory());
        String key = ledger.key(sync, "b1");
        assertThat(key).matches(java.util.regex.Pattern.quote(prefix) + "idem:[0-9a-f]{64}");
        assertThat(redis.getExpire(key)).as("the lease, in seconds").isBetween(600L, 660L);
        ledger.complete(sync, "b1", "fp", response("b1"));
        assertThat(redis.getExpire(key)).as("the ttl, in seconds").isBetween(7000L, 7200L);
    }

    @Test
    void aStoreThatCannotBeReachedIsReportedAsSuch() {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", 1));
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            RedisIdempotencyLedger ledger = new RedisIdempotencyLedger(RedisServerExtension.bytesTemplate(nowhere),
                    prefix, Duration.ofHours(1), Duration.ofMinutes(11), JSON);
            assertThatThrownBy(() -> ledger.begin(sync, "b1", "fp"))
                    .isInstanceOf(StateStoreUnavailableException.class)
                    .hasMessageContaining("Redis");
        } finally {
            nowhere.destroy();
        }
    }
}
