package io.pushsync.sync.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.idempotency.IdempotencyLedger.Claim;
import io.pushsync.sync.idempotency.IdempotencyLedger.InProgress;
import io.pushsync.sync.idempotency.IdempotencyLedger.Mismatch;
import io.pushsync.sync.idempotency.IdempotencyLedger.Replay;
import io.pushsync.sync.idempotency.IdempotencyLedger.Started;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IdempotencyLedger} does, written once and run against each implementation (in-process and
 * Redis). Each test uses fresh ids.
 */
public abstract class AbstractIdempotencyLedgerContractTest {

    /** A ledger keeping finished batches for {@code ttl}. */
    protected abstract IdempotencyLedger ledger(Duration ttl);

    protected IdempotencyLedger ledger() {
        return ledger(Duration.ofHours(24));
    }

    protected final String sync = "sync-" + UUID.randomUUID();

    protected static BatchResponse response(String batchId) {
        List<RowResult> results = List.of(RowResult.succeeded("r1"), RowResult.accepted("r2", "task-7"),
                RowResult.failed("r3", RowError.of(ErrorCode.INVALID_FIELD, "email", "bad äddress \u2603")),
                RowResult.skipped("r4", RowError.of(ErrorCode.INVALID_FIELD, "nothing to do")));
        return new BatchResponse("sync", batchId, "cleverpush", "subscriptions", "upsert",
                BatchResponse.Summary.of(results), results, 42);
    }

    @Test
    public void aFinishedBatchCanBeReadBackAndARunningOrUnknownOneCannot() {
        IdempotencyLedger ledger = ledger();
        assertThat(ledger.finished(sync, "b1")).isEmpty();
        ledger.begin(sync, "b1", "fp");
        assertThat(ledger.finished(sync, "b1")).as("running").isEmpty();
        BatchResponse stored = response("b1");
        ledger.complete(sync, "b1", "fp", stored);
        assertThat(ledger.finished(sync, "b1")).contains(stored);
        assertThat(ledger.begin(sync, "b1", "fp")).as("still replayable after the read").isInstanceOf(Replay.class);
        assertThat(ledger.finished(sync, "b2")).isEmpty();
    }

    @Test
    public void aFreeKeyIsStarted() {
        assertThat(ledger().begin(sync, "b1", "fp")).isInstanceOf(Started.class);
    }

    @Test
    public void aRunningBatchIsInProgressForTheSamePayloadAndAMismatchForAnother() {
        IdempotencyLedger ledger = ledger();
        assertThat(ledger.begin(sync, "b1", "fp")).isInstanceOf(Started.class);
        assertThat(ledger.begin(sync, "b1", "fp")).isInstanceOf(InProgress.class);
        assertThat(ledger.begin(sync, "b1", "other")).isInstanceOf(Mismatch.class);
    }

    @Test
    public void aFinishedBatchIsReplayedWithItsResponseAndRefusedForAnotherPayload() {
        IdempotencyLedger ledger = ledger();
        BatchResponse stored = response("b1");
        ledger.begin(sync, "b1", "fp");
        ledger.complete(sync, "b1", "fp", stored);

        Claim claim = ledger.begin(sync, "b1", "fp");
        assertThat(claim).isInstanceOf(Replay.class);
        assertThat(((Replay) claim).response()).isEqualTo(stored);
        assertThat(ledger.begin(sync, "b1", "fp")).as("a replay does not consume the entry")
                .isInstanceOf(Replay.class);
        assertThat(ledger.begin(sync, "b1", "other")).isInstanceOf(Mismatch.class);
    }

    @Test
    public void anAbandonedBatchCanBeStartedAgain() {
        IdempotencyLedger ledger = ledger();
        ledger.begin(sync, "b1", "fp");
        ledger.abandon(sync, "b1", "fp");
        assertThat(ledger.begin(sync, "b1", "fp")).isInstanceOf(Started.class);
    }

    @Test
    public void abandoningWithAnotherFingerprintDoesNotFreeTheClaim() {
        IdempotencyLedger ledger = ledger();
        ledger.begin(sync, "b1", "fp");
        ledger.abandon(sync, "b1", "other");
        assertThat(ledger.begin(sync, "b1", "fp")).isInstanceOf(InProgress.class);
    }

    @Test
    public void abandoningAFinishedBatchKeepsIt() {
        IdempotencyLedger ledger = ledger();
        ledger.begin(sync, "b1", "fp");
        ledger.complete(sync, "b1", "fp", response("b1"));
        ledger.abandon(sync, "b1", "fp");
        assertThat(ledger.begin(sync, "b1", "fp")).isInstanceOf(Replay.class);
    }

    @Test
    public void keysAreTheWholePairAndNothingElse() {
        IdempotencyLedger ledger = ledger();
        assertThat(ledger.begin(sync + ":a", "b", "fp")).isInstanceOf(Started.class);
        assertThat(ledger.begin(sync, "a:b", "fp")).isInstanceOf(Started.class);
        assertThat(ledger.begin(sync, "b1", "fp")).isInstanceOf(Started.class);
        assertThat(ledger.begin(sync + "-other", "b1", "fp")).isInstanceOf(Started.class);
        assertThat(ledger.begin(sync, "b1", "fp")).isInstanceOf(InProgress.class);
        String odd = "ünïcode / spaces * ? [brackets] {braces}\n" + "x".repeat(2000);
        assertThat(ledger.begin(odd, odd, "fp")).isInstanceOf(Started.class);
        assertThat(ledger.begin(odd, odd, "fp")).isInstanceOf(InProgress.class);
    }

    @Test
    public void aFinishedBatchIsForgottenAfterItsTtl() {
        IdempotencyLedger ledger = ledger(Duration.ofMillis(300));
        ledger.begin(sync, "b1", "fp");
        ledger.complete(sync, "b1", "fp", response("b1"));
        assertThat(ledger.begin(sync, "b1", "fp")).isInstanceOf(Replay.class);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> ledger.begin(sync, "b1", "other") instanceof Started);
    }

    @Test
    public void aPairIsHeldWhileItsBatchRunsAndOnceItFinishedWhateverThePayload() {
        IdempotencyLedger ledger = ledger();
        assertThat(ledger.holds(sync, "b1")).as("free").isFalse();
        ledger.begin(sync, "b1", "fp");
        assertThat(ledger.holds(sync, "b1")).as("running").isTrue();
        assertThat(ledger.holds(sync, "b2")).as("another batch id").isFalse();
        assertThat(ledger.holds(sync + "-other", "b1")).as("another sync id").isFalse();
        ledger.complete(sync, "b1", "fp", response("b1"));
        assertThat(ledger.holds(sync, "b1")).as("finished").isTrue();

        ledger.begin(sync, "b3", "fp");
        ledger.abandon(sync, "b3", "fp");
        assertThat(ledger.holds(sync, "b3")).as("abandoned").isFalse();
    }

    @Test
    public void aFinishedBatchIsNoLongerHeldAfterItsTtl() {
        IdempotencyLedger ledger = ledger(Duration.ofMillis(300));
        ledger.begin(sync, "b1", "fp");
        ledger.complete(sync, "b1", "fp", response("b1"));
        assertThat(ledger.holds(sync, "b1")).isTrue();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> !ledger.holds(sync, "b1"));
    }
}
