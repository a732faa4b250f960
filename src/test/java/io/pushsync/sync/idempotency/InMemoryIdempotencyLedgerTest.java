package io.pushsync.sync.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.idempotency.IdempotencyLedger.Claim;
import io.pushsync.sync.idempotency.IdempotencyLedger.InProgress;
import io.pushsync.sync.idempotency.IdempotencyLedger.Mismatch;
import io.pushsync.sync.idempotency.IdempotencyLedger.Replay;
import io.pushsync.sync.idempotency.IdempotencyLedger.Started;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyLedgerTest {

    private final InMemoryIdempotencyLedger ledger =
            new InMemoryIdempotencyLedger(new IdempotencyProperties(Duration.ofHours(24), 1_000));

    private static BatchResponse response(String batchId, int rows) {
        List<RowResult> results = IntStream.range(0, rows).mapToObj(i -> RowResult.succeeded("r" + i)).toList();
        return new BatchResponse("sync", batchId, "xtremepush", "user_profiles", "upsert",
                BatchResponse.Summary.of(results), results, 12);
    }

    @Test
    void firstClaimStartsTheBatch() {
        assertThat(ledger.begin("sync", "b1", "fp")).isInstanceOf(Started.class);
    }

    @Test
    void sameFingerprintWhileRunningIsInProgress() {
        ledger.begin("sync", "b1", "fp");
        assertThat(ledger.begin("sync", "b1", "fp")).isInstanceOf(InProgress.class);
    }

    @Test
    void otherFingerprintIsAMismatchWhileRunningAndAfterCompletion() {
        ledger.begin("sync", "b1", "fp");
        assertThat(ledger.begin("sync", "b1", "other")).isInstanceOf(Mismatch.class);

        ledger.complete("sync", "b1", "fp", response("b1", 2));
        assertThat(ledger.begin("sync", "b1", "other")).isInstanceOf(Mismatch.class);
    }

    @Test
    void completedBatchIsReplayedWithTheStoredResponse() {
        BatchResponse stored = response("b1", 3);
        ledger.begin("sync", "b1", "fp");
        ledger.complete("sync", "b1", "fp", stored);

        Claim claim = ledger.begin("sync", "b1", "fp");
        assertThat(claim).isInstanceOf(Replay.class);
        assertThat(((Replay) claim).response()).isSameAs(stored);
        assertThat(ledger.begin("sync", "b1", "fp")).as("a replay does not consume the entry")
                .isInstanceOf(Replay.class);
    }

    @Test
    void keysAreSyncIdAndBatchIdTogether() {
        ledger.begin("sync", "b1", "fp");
        assertThat(ledger.begin("sync", "b2", "fp")).isInstanceOf(Started.class);
        assertThat(ledger.begin("other-sync", "b1", "fp")).isInstanceOf(Started.class);
    }

    @Test
    void abandonFreesTheKey() {
        ledger.begin("sync", "b1", "fp");
        ledger.abandon("sync", "b1", "fp");
        assertThat(ledger.begin("sync", "b1", "other")).as("a new payload may now use the key")
                .isInstanceOf(Started.class);
    }

    @Test
    void abandonWithAnotherFingerprintKeepsTheRunningBatch() {
        ledger.begin("sync", "b1", "fp");
        ledger.abandon("sync", "b1", "other");
        assertThat(ledger.begin("sync", "b1", "fp")).isInstanceOf(InProgress.class);
    }

    @Test
    void abandonAfterCompletionKeepsTheStoredResponse() {
        ledger.begin("sync", "b1", "fp");
        ledger.complete("sync", "b1", "fp", response("b1", 1));
        ledger.abandon("sync", "b1", "fp");
        assertThat(ledger.begin("sync", "b1", "fp")).isInstanceOf(Replay.class);
    }

    @Test
    void completedEntryExpiresTtlAfterCompletionEvenWhenReplayed() {
        InMemoryIdempotencyLedger shortLived =
                new InMemoryIdempotencyLedger(new IdempotencyProperties(Duration.ofMillis(50), 1_000));
        shortLived.begin("sync", "b1", "fp");
        shortLived.complete("sync", "b1", "fp", response("b1", 1));

        // polled every 10 ms: the replays themselves must not restart the ttl (they did when begin() used compute)
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                assertThat(shortLived.begin("sync", "b1", "fp")).isInstanceOf(Started.class));
    }

    @Test
    void beyondTheBoundTheOldestFinishedBatchGoesFirst() {
        // each completed batch of 5 rows weighs 6: two of them exceed a bound of 10
        InMemoryIdempotencyLedger small =
                new InMemoryIdempotencyLedger(new IdempotencyProperties(Duration.ofHours(1), 10));
        small.begin("sync", "a", "fp");
        small.complete("sync", "a", "fp", response("a", 5));
        small.begin("sync", "b", "fp");
        small.complete("sync", "b", "fp", response("b", 5));

        assertThat(small.begin("sync", "b", "fp")).isInstanceOf(Replay.class);
        assertThat(small.begin("sync", "a", "fp")).isInstanceOf(Started.class);
        assertThat(small.storedRows()).isEqualTo(6);
    }

    @Test
    void aJustFinishedBatchIsAlwaysReplayableAndTheBoundHolds() {
        for (int i = 0; i < 200; i++) {
            String batchId = "b" + i;
            assertThat(ledger.begin("sync", batchId, "fp")).isInstanceOf(Started.class);
            ledger.complete("sync", batchId, "fp", response(batchId, 99));
            assertThat(ledger.begin("sync", batchId, "fp")).as("batch %d right after completion", i)
                    .isInstanceOf(Replay.class);
            assertThat(ledger.storedRows()).isLessThanOrEqualTo(1_000);
        }
        // the ten newest batches (10 x 100 rows) are the ones kept
        assertThat(ledger.begin("sync", "b190", "fp")).isInstanceOf(Replay.class);
        assertThat(ledger.begin("sync", "b189", "fp")).isInstanceOf(Started.class);
    }

    @Test
    void runningClaimsAreNeverEvicted() {
        InMemoryIdempotencyLedger small =
                new InMemoryIdempotencyLedger(new IdempotencyProperties(Duration.ofHours(1), 10));
        for (int i = 0; i < 1_000; i++) {
            assertThat(small.begin("sync", "run" + i, "fp")).isInstanceOf(Started.class);
        }
        small.begin("sync", "done", "fp");
        small.complete("sync", "done", "fp", response("done", 50));
        for (int i = 0; i < 1_000; i++) {
            assertThat(small.begin("sync", "run" + i, "fp")).isInstanceOf(InProgress.class);
        }
    }

    @Test
    void theNewestBatchIsKeptEvenWhenItAloneExceedsTheBound() {
        InMemoryIdempotencyLedger small =
                new InMemoryIdempotencyLedger(new IdempotencyProperties(Duration.ofHours(1), 10));
        small.begin("sync", "old", "fp");
        small.complete("sync", "old", "fp", response("old", 3));
        small.begin("sync", "big", "fp");
        small.complete("sync", "big", "fp", response("big", 50));

        assertThat(small.begin("sync", "big", "fp")).isInstanceOf(Replay.class);
        assertThat(small.begin("sync", "old", "fp")).isInstanceOf(Started.class);
    }
}
