package io.pushsync.sync.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What every {@link RunHistory} does (in-process and Redis). */
public abstract class AbstractRunHistoryContractTest {

    protected final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));

    /** A clock the test moves. */
    protected final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    /** An empty index keeping {@code maxRuns} runs for {@code retention}, on {@link #clock}. */
    protected abstract RunHistory history(int maxRuns, Duration retention);

    static BatchResponse batch(String batchId) {
        List<RowResult> results = List.of(RowResult.succeeded("r1"),
                RowResult.failed("r2", RowError.of(ErrorCode.INVALID_FIELD, "email", "not an e-mail address")),
                RowResult.failed("r3", RowError.of(ErrorCode.INVALID_FIELD, "email", "not an e-mail address")),
                RowResult.failed("r4", RowError.of(ErrorCode.CANCELLED, "cancelled")),
                RowResult.skipped("r5", RowError.of(ErrorCode.INVALID_FIELD, "nothing to do")));
        return new BatchResponse("sync-ä", batchId, "xtremepush", "user_profiles", "upsert",
                BatchResponse.Summary.of(results), results, 42);
    }

    @Test
    public void aBatchIsKeptWithItsSummaryAndItsFailuresByCode() {
        RunHistory history = history(10, Duration.ofHours(1));
        history.record(RunRecord.batch(batch("b1"), now.get()));
        List<RunRecord> runs = history.recent(10);
        assertThat(runs).hasSize(1);
        RunRecord run = runs.get(0);
        assertThat(run.kind()).isEqualTo(RunRecord.BATCH);
        assertThat(run.syncId()).isEqualTo("sync-ä");
        assertThat(run.summary()).isEqualTo(new BatchResponse.Summary(5, 1, 0, 3, 1));
        assertThat(run.failuresByCode()).containsExactly(
                new RunRecord.CodeCount(ErrorCode.INVALID_FIELD.code(), false, 2),
                new RunRecord.CodeCount(ErrorCode.CANCELLED.code(), true, 1));
        assertThat(run.at()).isEqualTo(now.get());
        assertThat(run.durationMs()).isEqualTo(42);
    }

    @Test
    public void runsComeNewestFirstAndTheOldestGoBeyondTheBound() {
        RunHistory history = history(3, Duration.ofHours(1));
        for (int i = 1; i <= 5; i++) {
            now.set(now.get().plusSeconds(1));
            history.record(RunRecord.job("job-" + i, "s", "b" + i, "cleverpush", "tags", "add", now.get()));
        }
        assertThat(history.recent(10)).extracting(RunRecord::jobId).containsExactly("job-5", "job-4", "job-3");
        assertThat(history.recent(2)).extracting(RunRecord::jobId).containsExactly("job-5", "job-4");
    }

    @Test
    public void runsOlderThanTheRetentionAreNotListed() {
        RunHistory history = history(100, Duration.ofMinutes(10));
        history.record(RunRecord.batch(batch("old"), now.get()));
        now.set(now.get().plus(Duration.ofMinutes(6)));
        history.record(RunRecord.batch(batch("new"), now.get()));
        assertThat(history.recent(10)).extracting(RunRecord::batchId).containsExactly("new", "old");
        now.set(now.get().plus(Duration.ofMinutes(5)));
        assertThat(history.recent(10)).extracting(RunRecord::batchId).containsExactly("new");
        now.set(now.get().plus(Duration.ofMinutes(6)));
        assertThat(history.recent(10)).isEmpty();
    }
}
