package io.pushsync.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.StateStoreUnavailableException;
import io.pushsync.sync.idempotency.IdempotencyLedger.InProgress;
import io.pushsync.sync.idempotency.IdempotencyLedger.Replay;
import io.pushsync.sync.idempotency.IdempotencyLedger.Started;
import io.pushsync.testsupport.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ledger when Redis stops answering in the middle of a call (the private server frozen with {@code SIGSTOP},
 * a client command timeout of 300 ms): a claim whose {@code SET NX} the client gave up on, though the server ran it
 * once resumed, must not block the batch for the whole lease (11 minutes of 409).
 */
class RedisIdempotencyClaimOutageTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);
    static final Duration LEASE = Duration.ofMinutes(11);

    private final String prefix = RedisServerExtension.uniquePrefix();
    private final String sync = "sync-" + UUID.randomUUID();
    private final List<LettuceConnectionFactory> factories = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        REDIS.resume();
        factories.forEach(LettuceConnectionFactory::destroy);
    }

    private LettuceConnectionFactory impatient() {
        LettuceConnectionFactory f = REDIS.newConnectionFactory(COMMAND_TIMEOUT);
        factories.add(f);
        return f;
    }

    private RedisIdempotencyLedger ledger(LettuceConnectionFactory factory) {
        return new RedisIdempotencyLedger(RedisServerExtension.bytesTemplate(factory), prefix, Duration.ofHours(1),
                LEASE, JSON);
    }

    /** Another replica, with Boot's default (patient) connection. */
    private RedisIdempotencyLedger otherReplica() {
        return ledger(REDIS.connectionFactory());
    }

    private static long setCalls() {
        RedisTemplate<String, byte[]> admin = RedisServerExtension.bytesTemplate(REDIS.connectionFactory());
        Properties stats = admin.execute((RedisCallback<Properties>) c -> c.serverCommands().info("commandstats"));
        String set = stats.getProperty("cmdstat_set");
        if (set == null) {
            return 0;
        }
        String calls = set.substring(set.indexOf("calls=") + 6);
        return Long.parseLong(calls.substring(0, calls.indexOf(',')));
    }

    /** Fails the call at once: the server is frozen, the client gives up after its timeout. */
    private void beginWhileRedisIsFrozen(RedisIdempotencyLedger ledger, String batchId) {
        REDIS.pause();
        try {
            assertThatThrownBy(() -> ledger.begin(sync, batchId, "fp"))
                    .isInstanceOf(StateStoreUnavailableException.class);
        } finally {
            REDIS.resume();
        }
    }

    @Test
    void aClaimWhoseSetNxTimedOutIsFreedOnceRedisAnswersAgain() {
        RedisIdempotencyLedger ledger = ledger(impatient());
        assertThat(ledger.begin(sync, "warm-up", "fp")).as("connected before the freeze").isInstanceOf(Started.class);
        long setsBefore = setCalls();

        beginWhileRedisIsFrozen(ledger, "b1");

        RedisIdempotencyLedger other = otherReplica();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(other.begin(sync, "b1", "fp"))
                        .as("a resend, on any replica, once Redis answers again (not after the %s lease)", LEASE)
                        .isInstanceOf(Started.class));
        assertThat(setCalls() - setsBefore).as("the server did run the SET NX the client had given up on, "
                + "then the resend's").isEqualTo(2);
        assertThat(ledger.begin(sync, "b1", "fp")).as("the resend's claim is a real one: it holds")
                .isInstanceOf(InProgress.class);
    }

    @Test
    void theSameCallerRetryingOnTheSameReplicaIsNotRefused() {
        RedisIdempotencyLedger ledger = ledger(impatient());
        assertThat(ledger.begin(sync, "warm-up", "fp")).isInstanceOf(Started.class);

        beginWhileRedisIsFrozen(ledger, "b1");

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> ledger.begin(sync, "b1", "fp") instanceof Started);
        BatchResponse response = response("b1");
        ledger.complete(sync, "b1", "fp", response);
        assertThat(otherReplica().begin(sync, "b1", "fp")).isInstanceOf(Replay.class);
    }

    @Test
    void aFailedCleanupIsRetriedUntilRedisTakesIt() {
        // a user that may SET but not run scripts: the server runs the timed-out SET NX, refuses the cleanup
        String user = "claimant-" + UUID.randomUUID().toString().substring(0, 8);
        RedisTemplate<String, byte[]> admin = RedisServerExtension.bytesTemplate(REDIS.connectionFactory());
        acl(admin, "SETUSER", user, "reset", "on", "nopass", "~*", "&*", "+@all", "-eval", "-evalsha");
        try {
            RedisStandaloneConfiguration asUser = new RedisStandaloneConfiguration(REDIS.host(), REDIS.port());
            asUser.setUsername(user);
            asUser.setPassword("unused");
            LettuceConnectionFactory f = new LettuceConnectionFactory(asUser,
                    LettuceClientConfiguration.builder().commandTimeout(COMMAND_TIMEOUT).build());
            f.afterPropertiesSet();
            f.start();
            factories.add(f);
            RedisIdempotencyLedger ledger = ledger(f);
            assertThat(ledger.begin(sync, "warm-up", "fp")).isInstanceOf(Started.class);

            beginWhileRedisIsFrozen(ledger, "b1");

            RedisIdempotencyLedger other = otherReplica();
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> other.begin(sync, "b1", "fp") instanceof InProgress);
            acl(admin, "SETUSER", user, "+eval", "+evalsha");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> other.begin(sync, "b1", "fp") instanceof Started);
        } finally {
            acl(admin, "SETUSER", user, "off");
        }
    }

    private static void acl(RedisTemplate<String, byte[]> admin, String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        admin.execute((RedisCallback<Object>) c -> c.execute("ACL", bytes));
    }

    private static BatchResponse response(String batchId) {
        List<RowResult> results = List.of(RowResult.succeeded("r1"),
                RowResult.failed("r2", RowError.of(ErrorCode.INVALID_FIELD, "email", "bad")));
        return new BatchResponse("sync", batchId, "cleverpush", "subscriptions", "upsert",
                BatchResponse.Summary.of(results), results, 42);
    }
}
