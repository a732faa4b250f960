package io.pushsync.sync.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.jobs.JobStore.Created;
import io.pushsync.sync.jobs.JobStore.Existing;
import io.pushsync.sync.jobs.JobStore.Mismatch;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every {@link JobStore} does, written once and run against each implementation (in-process and Redis).
 */
public abstract class AbstractJobStoreContractTest {

    protected static final JobSegments SEGMENTS = new JobSegments(JsonMapper.builder().build());
    protected static final Duration TTL = Duration.ofHours(1);

    protected abstract JobStore store();

    protected final String sync = "sync-" + UUID.randomUUID();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    protected JobSpec spec(String jobId, String batchId, String fingerprint, int total, int segmentSize) {
        return new JobSpec(jobId, sync, batchId, "cleverpush", "subscriptions", "upsert", fingerprint, total,
                segmentSize, now, "replica-a", false);
    }

    protected static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "row-" + i).toList();
    }

    protected static String newJobId() {
        return "job-" + UUID.randomUUID();
    }

    private JobProgress running(int done) {
        return new JobProgress(JobState.RUNNING, done, done, 0, 0, 0, now, null, now.plusSeconds(done), null);
    }

    @Test
    public void aFreeKeyCreatesTheJobQueued() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 5, 2);
        JobProgress queued = JobProgress.queued(now);
        assertThat(store.create(spec, queued, ids(5), TTL)).isInstanceOf(Created.class);

        Optional<StoredJob> found = store.find(spec.jobId());
        assertThat(found).isPresent();
        assertThat(found.get().spec()).isEqualTo(spec);
        assertThat(found.get().progress()).isEqualTo(queued);
        assertThat(found.get().cancelRequestedAt()).isNull();
        assertThat(store.isCancelRequested(spec.jobId())).isFalse();
    }

    @Test
    public void theSameKeyIsAReplayForTheSamePayloadAndAMismatchForAnother() {
        JobStore store = store();
        JobSpec first = spec(newJobId(), "b1", "fp", 3, 10);
        store.create(first, JobProgress.queued(now), ids(3), TTL);

        JobStore.Submission replay = store.create(spec(newJobId(), "b1", "fp", 3, 10), JobProgress.queued(now),
                ids(3), TTL);
        assertThat(replay).isEqualTo(new Existing(first.jobId()));
        JobSpec other = spec(newJobId(), "b1", "other-fp", 3, 10);
        assertThat(store.create(other, JobProgress.queued(now), ids(3), TTL))
                .isEqualTo(new Mismatch(first.jobId()));
        assertThat(store.find(other.jobId())).as("a refused submission stores nothing").isEmpty();
        assertThat(store.create(spec(newJobId(), "b2", "fp", 3, 10), JobProgress.queued(now), ids(3), TTL))
                .as("another batch id is another job").isInstanceOf(Created.class);
    }

    @Test
    public void unknownJobsAreEmptyAndWritesToThemCreateNothing() {
        JobStore store = store();
        String jobId = newJobId();
        assertThat(store.find(jobId)).isEmpty();
        assertThat(store.rowIds(jobId, 0)).isEmpty();
        assertThat(store.results(jobId, 0)).isEmpty();
        assertThat(store.isCancelRequested(jobId)).isFalse();
        assertThat(store.requestCancel(jobId, now)).isFalse();
        store.saveProgress(jobId, running(1));
        store.saveResults(jobId, 0, List.of(RowResult.succeeded("x")));
        store.finish(jobId, running(1), TTL);
        assertThat(store.find(jobId)).isEmpty();
        assertThat(store.results(jobId, 0)).isEmpty();
        assertThat(store.isCancelRequested(jobId)).isFalse();
    }

    @Test
    public void rowIdsComeBackBySegmentInInputOrder() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 5, 2);
        store.create(spec, JobProgress.queued(now), List.of("e", "d", "c", "b", "a"), TTL);
        assertThat(spec.segments()).isEqualTo(3);
        assertThat(store.rowIds(spec.jobId(), 0)).containsExactly("e", "d");
        assertThat(store.rowIds(spec.jobId(), 1)).containsExactly("c", "b");
        assertThat(store.rowIds(spec.jobId(), 2)).containsExactly("a");
    }

    @Test
    public void resultsRoundTripPerSegmentAndAMissingSegmentIsEmpty() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 5, 2);
        store.create(spec, JobProgress.queued(now), ids(5), TTL);
        List<RowResult> second = List.of(RowResult.accepted("row-2", "task-1"),
                RowResult.failed("row-3", RowError.of(ErrorCode.INVALID_FIELD, "email", "not an e-mail ✉")));
        List<RowResult> first = List.of(RowResult.succeeded("row-0"),
                RowResult.skipped("row-1", RowError.of(ErrorCode.INVALID_FIELD, "nothing to change")));

        assertThat(store.results(spec.jobId(), 0)).isEmpty();
        store.saveResults(spec.jobId(), 1, second);
        assertThat(store.results(spec.jobId(), 0)).isEmpty();
        store.saveResults(spec.jobId(), 0, first);

        assertThat(store.results(spec.jobId(), 0)).contains(first);
        assertThat(store.results(spec.jobId(), 1)).contains(second);
        assertThat(store.results(spec.jobId(), 2)).isEmpty();
    }

    @Test
    public void progressIsSavedAndReadBack() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 5, 2);
        store.create(spec, JobProgress.queued(now), ids(5), TTL);
        store.saveProgress(spec.jobId(), running(3));
        assertThat(store.find(spec.jobId()).orElseThrow().progress()).isEqualTo(running(3));
        assertThat(store.find(spec.jobId()).orElseThrow().spec()).isEqualTo(spec);
    }

    @Test
    public void theFirstCancelRequestWinsAndProgressWritesNeverLoseIt() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 5, 2);
        store.create(spec, JobProgress.queued(now), ids(5), TTL);
        Instant at = now.plusSeconds(5);
        assertThat(store.requestCancel(spec.jobId(), at)).isTrue();
        assertThat(store.requestCancel(spec.jobId(), at.plusSeconds(60))).isTrue();
        store.saveProgress(spec.jobId(), running(4));
        store.finish(spec.jobId(), running(5), TTL);

        StoredJob job = store.find(spec.jobId()).orElseThrow();
        assertThat(job.cancelRequestedAt()).isEqualTo(at);
        assertThat(job.progress()).isEqualTo(running(5));
        assertThat(store.isCancelRequested(spec.jobId())).isTrue();
    }

    @Test
    public void aCancelRacingTheOwnersProgressWritesIsKept() throws Exception {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 5, 2);
        store.create(spec, JobProgress.queued(now), ids(5), TTL);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Future<?> owner = pool.submit(() -> {
                go.await();
                for (int i = 0; i < 200; i++) {
                    store.saveProgress(spec.jobId(), running(i));
                }
                return null;
            });
            Future<Boolean> cancel = pool.submit(() -> {
                go.await();
                Thread.sleep(2);
                return store.requestCancel(spec.jobId(), now);
            });
            go.countDown();
            owner.get(30, TimeUnit.SECONDS);
            assertThat(cancel.get(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        StoredJob job = store.find(spec.jobId()).orElseThrow();
        assertThat(job.cancelRequestedAt()).isEqualTo(now);
        assertThat(job.progress()).isEqualTo(running(199));
        assertThat(store.isCancelRequested(spec.jobId())).isTrue();
    }

    @Test
    public void aFinishedJobIsKeptForItsRetentionThenForgottenWithItsClaim() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 3, 2);
        store.create(spec, JobProgress.queued(now), ids(3), TTL);
        store.saveResults(spec.jobId(), 0, List.of(RowResult.succeeded("row-0"), RowResult.succeeded("row-1")));
        JobProgress done = new JobProgress(JobState.COMPLETED, 3, 3, 0, 0, 0, now, now.plusSeconds(1),
                now.plusSeconds(1), null);
        store.finish(spec.jobId(), done, Duration.ofMillis(400));

        assertThat(store.find(spec.jobId()).orElseThrow().progress()).isEqualTo(done);
        assertThat(store.create(spec(newJobId(), "b1", "fp", 3, 2), JobProgress.queued(now), ids(3), TTL))
                .as("replayable while retained").isEqualTo(new Existing(spec.jobId()));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.find(spec.jobId()).isEmpty());
        assertThat(store.results(spec.jobId(), 0)).isEmpty();
        assertThat(store.rowIds(spec.jobId(), 0)).isEmpty();
        assertThat(store.create(spec(newJobId(), "b1", "other-fp", 3, 2), JobProgress.queued(now), ids(3), TTL))
                .as("the claim went with the job").isInstanceOf(Created.class);
    }

    @Test
    public void anUnfinishedJobIsForgottenAfterItsTtl() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 3, 2);
        store.create(spec, JobProgress.queued(now), ids(3), Duration.ofMillis(400));
        store.saveResults(spec.jobId(), 0, List.of(RowResult.succeeded("row-0"), RowResult.succeeded("row-1")));
        assertThat(store.find(spec.jobId())).isPresent();
        assertThat(store.results(spec.jobId(), 0)).isPresent();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.find(spec.jobId()).isEmpty());
        assertThat(store.results(spec.jobId(), 0)).isEmpty();
        assertThat(store.rowIds(spec.jobId(), 0)).isEmpty();
        assertThat(store.create(spec(newJobId(), "b1", "fp", 3, 2), JobProgress.queued(now), ids(3), TTL))
                .isInstanceOf(Created.class);
    }

    @Test
    public void deleteForgetsEverythingAndFreesTheClaim() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 3, 2);
        store.create(spec, JobProgress.queued(now), ids(3), TTL);
        store.saveResults(spec.jobId(), 1, List.of(RowResult.succeeded("row-2")));
        store.requestCancel(spec.jobId(), now);

        store.delete(spec.jobId());

        assertThat(store.find(spec.jobId())).isEmpty();
        assertThat(store.rowIds(spec.jobId(), 0)).isEmpty();
        assertThat(store.results(spec.jobId(), 1)).isEmpty();
        assertThat(store.isCancelRequested(spec.jobId())).isFalse();
        JobSpec again = spec(newJobId(), "b1", "other-fp", 3, 2);
        assertThat(store.create(again, JobProgress.queued(now), ids(3), TTL)).isInstanceOf(Created.class);
        store.delete(spec.jobId());
        assertThat(store.find(again.jobId())).as("deleting the old job again leaves the new claim alone")
                .isPresent();
        assertThat(store.create(spec(newJobId(), "b1", "other-fp", 3, 2), JobProgress.queued(now), ids(3), TTL))
                .isEqualTo(new Existing(again.jobId()));
    }

    @Test
    public void rowIdsAreTakenOneSegmentAtATimeAndAReplayOrAMismatchTakesNone() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 5, 2);
        List<List<String>> given = List.of(List.of("a", "b"), List.of("c", "d"), List.of("e"));
        List<Integer> taken = new ArrayList<>();
        Iterator<List<String>> segments = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return taken.size() < given.size();
            }

            @Override
            public List<String> next() {
                taken.add(taken.size());
                return given.get(taken.size() - 1);
            }
        };
        assertThat(store.create(spec, JobProgress.queued(now), segments, TTL)).isInstanceOf(Created.class);
        assertThat(taken).containsExactly(0, 1, 2);
        assertThat(store.rowIds(spec.jobId(), 1)).containsExactly("c", "d");

        Iterator<List<String>> untouchable = new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw new AssertionError("a held claim needs no row ids");
            }

            @Override
            public List<String> next() {
                throw new AssertionError("a held claim needs no row ids");
            }
        };
        assertThat(store.create(spec(newJobId(), "b1", "fp", 5, 2), JobProgress.queued(now), untouchable, TTL))
                .isEqualTo(new Existing(spec.jobId()));
        assertThat(store.create(spec(newJobId(), "b1", "fp2", 5, 2), JobProgress.queued(now), untouchable, TTL))
                .isEqualTo(new Mismatch(spec.jobId()));
    }

    @Test
    public void manySegmentsRoundTrip() {
        JobStore store = store();
        int total = 2_500;
        JobSpec spec = spec(newJobId(), "b1", "fp", total, 100);
        List<String> ids = ids(total);
        store.create(spec, JobProgress.queued(now), ids, TTL);
        List<String> back = new ArrayList<>();
        for (int s = 0; s < spec.segments(); s++) {
            back.addAll(store.rowIds(spec.jobId(), s));
        }
        assertThat(back).isEqualTo(ids);
    }

    @Test
    public void theJobHoldingAPairIsFoundByItsIdsWhilePresentWhateverItsPayload() {
        JobStore store = store();
        assertThat(store.jobIdFor(sync, "b1")).as("no job holds the pair").isEmpty();
        JobSpec spec = spec(newJobId(), "b1", "fp", 3, 2);
        store.create(spec, JobProgress.queued(now), ids(3), TTL);

        assertThat(store.jobIdFor(sync, "b1")).hasValue(spec.jobId());
        assertThat(store.jobIdFor(sync, "b2")).as("another batch id").isEmpty();
        assertThat(store.jobIdFor(sync + "-other", "b1")).as("another sync id").isEmpty();
        assertThat(store.jobIdFor(sync + ":b", "1")).as("the whole pair, not a concatenation").isEmpty();

        store.finish(spec.jobId(), new JobProgress(JobState.COMPLETED, 3, 3, 0, 0, 0, now, now, now, null), TTL);
        assertThat(store.jobIdFor(sync, "b1")).as("a finished job still holds it").hasValue(spec.jobId());

        store.delete(spec.jobId());
        assertThat(store.jobIdFor(sync, "b1")).as("gone with the job").isEmpty();
    }

    @Test
    public void aJobForgottenAfterItsTtlNoLongerHoldsItsPair() {
        JobStore store = store();
        JobSpec spec = spec(newJobId(), "b1", "fp", 3, 2);
        store.create(spec, JobProgress.queued(now), ids(3), Duration.ofMillis(300));
        assertThat(store.jobIdFor(sync, "b1")).hasValue(spec.jobId());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.jobIdFor(sync, "b1").isEmpty());
    }
}
