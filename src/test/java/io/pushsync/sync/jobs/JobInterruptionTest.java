package io.pushsync.sync.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.RowResult;
import io.pushsync.testsupport.PacedDestination;
import io.pushsync.testsupport.ThingsDestination;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A job never shows as completed unless it did: a shutdown interrupts queued and running jobs (rows not sent fail
 * {@code interrupted}, retryable), and a job whose replica died is finished as interrupted by the next reader,
 * keeping the results its replica had stored.
 */
class JobInterruptionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JobSegments segments = new JobSegments(JSON);
    private final InMemoryJobStore store = new InMemoryJobStore(segments);
    private final PacedDestination destination = new PacedDestination("paced", 20);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @TempDir
    Path spoolDir;

    private JobService service(int segmentSize) {
        return LocalJobServices.service(destination, store, LocalJobServices.properties(spoolDir, segmentSize,
                10_000, Duration.ofMillis(20), Duration.ofSeconds(30), new JobProperties.StateWriteRetry(
                        Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500))), meters);
    }

    @Test
    void aShutdownInterruptsTheRunningAndTheQueuedJobsAndRefusesNewOnes() {
        JobService service = service(10);
        assertThat(finished("interrupted")).as("the series exists before any job ended").isZero();
        service.start();
        String running = service.submit("paced", body("a", 50)).status().jobId();
        String queued = service.submit("paced", body("b", 30)).status().jobId();
        await().atMost(Duration.ofSeconds(10)).until(() -> service.status(running).progress().done() >= 5);

        service.stop();

        JobStatus r = service.status(running);
        assertThat(r.state()).isEqualTo(JobState.INTERRUPTED);
        List<RowResult> rows = service.results(running, 0, 50).results();
        assertThat(rows).hasSize(50);
        int sent = destination.sent.get() ;
        assertThat(sent).isBetween(5, 49);
        for (int i = 0; i < 50; i++) {
            RowResult row = rows.get(i);
            assertThat(row.id()).isEqualTo("r" + i);
            if (i < sent) {
                assertThat(row.status().wireName()).as("row %d was sent and confirmed", i).isEqualTo("succeeded");
            } else {
                assertThat(row.error().code()).as("row %d", i).isEqualTo("interrupted");
                assertThat(row.error().retryable()).isTrue();
            }
        }
        assertThat(r.summary().succeeded() + r.summary().failed()).isEqualTo(50);
        assertThat(r.message()).contains((50 - sent) + " rows were not sent");

        JobStatus q = service.status(queued);
        assertThat(q.state()).isEqualTo(JobState.INTERRUPTED);
        assertThat(service.results(queued, 0, 100).results()).hasSize(30)
                .allSatisfy(row -> assertThat(row.error().code()).isEqualTo("interrupted"));

        assertThatThrownBy(() -> service.submit("paced", body("c", 1)))
                .isInstanceOfSatisfying(JobsBusyException.class,
                        e -> assertThat(e.reason()).isEqualTo(JobsBusyException.Reason.SHUTTING_DOWN));
        assertThat(finished("interrupted")).as("pushsync_jobs_finished_total{state=interrupted}").isEqualTo(2);
        assertThat(finished("completed")).isZero();
    }

    @Test
    void whileAJobRunsItsCompleteSegmentsAreStoredAndItsHeartbeatAdvances() {
        JobService service = service(10);
        service.start();
        try {
            String jobId = service.submit("paced", body("progressive", 60)).status().jobId();
            // 60 rows at 20 ms: segment 0 (rows 0-9) is complete after ~200 ms, the job runs ~1.2 s
            await().atMost(Duration.ofSeconds(10)).until(() -> store.results(jobId, 0).isPresent());
            StoredJob live = store.find(jobId).orElseThrow();
            assertThat(live.progress().state()).isEqualTo(JobState.RUNNING);
            assertThat(store.results(jobId, 0).orElseThrow()).extracting(RowResult::id)
                    .containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
            assertThat(store.results(jobId, 5)).as("the last segment is not complete yet").isEmpty();
            Instant beat = live.progress().heartbeatAt();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> store.find(jobId).orElseThrow().progress().heartbeatAt().isAfter(beat));
            await().atMost(Duration.ofSeconds(10)).until(() -> service.status(jobId).state().isFinal());
            assertThat(service.status(jobId).state()).isEqualTo(JobState.COMPLETED);
            assertThat(finished("completed")).isEqualTo(1);
            assertThat(finished("interrupted")).isZero();
            assertThat(service.results(jobId, 0, 100).results()).hasSize(60)
                    .allSatisfy(r -> assertThat(r.status().wireName()).isEqualTo("succeeded"));
        } finally {
            service.stop();
        }
    }

    @Test
    void aJobWhoseReplicaDiedIsFinishedAsInterruptedKeepingTheSegmentsItStored() {
        // what a replica that died left in a shared store: running, heartbeat long stale, one of 3 segments stored
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add("r" + i);
        }
        JobSpec spec = new JobSpec("job-of-a-dead-replica", "sync", "batch", "paced", "things", "upsert", "fp", 25,
                10, now.minusSeconds(600), "replica-that-died", false);
        assertThat(store.create(spec, JobProgress.queued(now.minusSeconds(600)), ids, Duration.ofHours(1)))
                .isInstanceOf(JobStore.Created.class);
        store.saveProgress(spec.jobId(), new JobProgress(JobState.RUNNING, 14, 14, 0, 0, 0, now.minusSeconds(590),
                null, now.minusSeconds(120), null));
        List<RowResult> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(RowResult.succeeded("r" + i));
        }
        store.saveResults(spec.jobId(), 0, first);

        JobService reader = service(10);
        JobStatus status = reader.status(spec.jobId());

        assertThat(status.state()).isEqualTo(JobState.INTERRUPTED);
        assertThat(finished("interrupted")).as("counted by the replica that found it").isEqualTo(1);
        assertThat(status.message()).contains("replica-that-died").contains("15 rows");
        assertThat(status.summary().succeeded()).isEqualTo(10);
        assertThat(status.summary().failed()).isEqualTo(15);
        assertThat(status.progress().done()).isEqualTo(25);
        List<RowResult> rows = reader.results(spec.jobId(), 0, 100).results();
        assertThat(rows).extracting(RowResult::id).isEqualTo(ids);
        assertThat(rows.subList(0, 10)).allSatisfy(r -> assertThat(r.status().wireName()).isEqualTo("succeeded"));
        assertThat(rows.subList(10, 25)).allSatisfy(r -> {
            assertThat(r.error().code()).isEqualTo("interrupted");
            assertThat(r.error().retryable()).isTrue();
        });
        // the verdict is stored: every later reader (any replica) sees the same
        assertThat(store.find(spec.jobId()).orElseThrow().progress().state()).isEqualTo(JobState.INTERRUPTED);
        assertThat(finished("interrupted")).as("counted once, not on every read").isEqualTo(1);
    }

    @Test
    void aLiveJobWithAFreshHeartbeatIsLeftAlone() {
        Instant now = Instant.now();
        JobSpec spec = new JobSpec("job-alive-elsewhere", "sync", "batch-2", "paced", "things", "upsert", "fp", 3, 10,
                now, "another-replica", false);
        store.create(spec, JobProgress.queued(now), List.of("a", "b", "c"), Duration.ofHours(1));
        store.saveProgress(spec.jobId(), new JobProgress(JobState.RUNNING, 1, 1, 0, 0, 0, now, null, now, null));

        JobStatus status = service(10).status(spec.jobId());

        assertThat(status.state()).isEqualTo(JobState.RUNNING);
        assertThat(status.progress().done()).isEqualTo(1);
        assertThatThrownBy(() -> service(10).results(spec.jobId(), 0, 10))
                .isInstanceOf(JobNotFinishedException.class);
    }

    /** {@code pushsync_jobs_finished_total{destination="paced",state}}. */
    private double finished(String state) {
        return meters.get("pushsync_jobs_finished_total").tag("destination", "paced").tag("state", state).counter()
                .count();
    }

    private static ObjectNode body(String batchId, int rows) {
        return ThingsDestination.body("interruptions", batchId, rows);
    }
}
