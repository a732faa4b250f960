package io.pushsync.sync.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.idempotency.BatchConflictException;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.batches.BatchService;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.intake.PayloadFingerprint;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.idempotency.IdempotencyLedger;
import io.pushsync.testsupport.ThingsDestination;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code (syncId, batchId)} names one delivery whichever endpoint receives it: the same ids sent to
 * {@code /batches} and then to {@code /jobs}, or the reverse, reach the vendor once, and the second is refused (409)
 * saying where the first one is; each endpoint's own replays still work. Also the two races: a batch claiming the
 * ids while a job is being created, a job created while a batch holds its fresh claim. Written once, run against
 * the in-process stores and Redis.
 */
public abstract class AbstractOneDeliveryPerIdsTest {

    /** A fresh job store (the ids of each test are its own). */
    protected abstract JobStore jobStore();

    /** A fresh idempotency ledger. */
    protected abstract IdempotencyLedger ledger();

    /** Confirms every row and counts the rows it was sent. */
    static final class CountingVendor extends ThingsDestination {
        final AtomicInteger sent = new AtomicInteger();

        CountingVendor() {
            super("things");
        }

        @Override
        public void sync(SyncRequest request, Deadline deadline, RowResults results) {
            for (SyncRow row : request.rows()) {
                sent.incrementAndGet();
                results.succeeded(row.index());
            }
        }
    }

    @TempDir
    Path spoolDir;

    private final CountingVendor vendor = new CountingVendor();
    private final String sync = "one-delivery-" + UUID.randomUUID();
    private JobService jobsService;

    @AfterEach
    void stop() {
        if (jobsService != null) {
            jobsService.stop();
        }
    }

    private JobService jobs(JobStore store, IdempotencyLedger ledger) {
        jobsService = LocalJobServices.service(vendor, store, ledger, LocalJobServices.properties(spoolDir, 10, 100,
                Duration.ofMillis(20), Duration.ofSeconds(30), new JobProperties.StateWriteRetry(
                        Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(100))),
                new SimpleMeterRegistry());
        jobsService.start();
        return jobsService;
    }

    private BatchService batches(JobStore store, IdempotencyLedger ledger) {
        BatchProperties limits = new BatchProperties(1000, Duration.ofMinutes(1), 10, DataSize.ofKilobytes(64),
                DataSize.ofMegabytes(1), 64, 20);
        return new BatchService(new DestinationRegistry(List.of(vendor)), new BatchValidator(limits), ledger, store,
                limits, new SyncMetrics(new SimpleMeterRegistry()), new PayloadFingerprint(LocalJobServices.JSON),
                BatchBodyReader.defaults(), null);
    }

    private ObjectNode body(String batchId, int rows) {
        return ThingsDestination.body(sync, batchId, rows);
    }

    private JobStatus finished(JobService jobs, String jobId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs.status(jobId).state().isFinal());
        return jobs.status(jobId);
    }

    @Test
    public void idsDeliveredAsABatchAreRefusedAsAJobAndTheBatchStillReplays() {
        JobStore store = jobStore();
        IdempotencyLedger ledger = ledger();
        BatchService batches = batches(store, ledger);
        JobService jobs = jobs(store, ledger);

        assertThat(batches.execute("things", body("b1", 5)).replayed()).isFalse();
        assertThat(vendor.sent).hasValue(5);

        assertThatThrownBy(() -> jobs.submit("things", body("b1", 5)))
                .isInstanceOf(BatchConflictException.class)
                .hasMessageContaining("received synchronously").hasMessageContaining("/batches");
        assertThatThrownBy(() -> jobs.submit("things", body("b1", 7)))
                .as("another payload under the same ids likewise").isInstanceOf(BatchConflictException.class);
        assertThat(store.jobIdFor(sync, "b1")).as("no job was kept").isEmpty();

        BatchService.Execution replay = batches.execute("things", body("b1", 5));
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.response().results()).hasSize(5);
        assertThat(vendor.sent).as("the rows reached the vendor once").hasValue(5);
    }

    @Test
    public void idsSubmittedAsAJobAreRefusedAsABatchAndTheJobStillReplays() {
        JobStore store = jobStore();
        IdempotencyLedger ledger = ledger();
        BatchService batches = batches(store, ledger);
        JobService jobs = jobs(store, ledger);

        String jobId = jobs.submit("things", body("b1", 5)).status().jobId();
        assertThat(finished(jobs, jobId).state()).isEqualTo(JobState.COMPLETED);
        assertThat(vendor.sent).hasValue(5);

        assertThatThrownBy(() -> batches.execute("things", body("b1", 5)))
                .isInstanceOf(BatchConflictException.class)
                .hasMessageContaining("job '" + jobId + "'").hasMessageContaining("/v1/jobs/" + jobId);
        assertThatThrownBy(() -> batches.execute("things", body("b1", 7)))
                .as("another payload under the same ids likewise").isInstanceOf(BatchConflictException.class);
        assertThat(ledger.holds(sync, "b1")).as("the refused batch freed its claim").isFalse();

        JobService.Submitted again = jobs.submit("things", body("b1", 5));
        assertThat(again.replayed()).isTrue();
        assertThat(again.status().jobId()).isEqualTo(jobId);
        assertThat(vendor.sent).as("the rows reached the vendor once").hasValue(5);
    }

    @Test
    public void aBatchClaimingTheIdsWhileTheJobIsCreatedWinsAndTheJobIsDeleted() {
        IdempotencyLedger ledger = ledger();
        // the batch claims the ids after the job service's first look at the ledger, before the job is stored
        JobStore store = intercepting(jobStore(), "create", spec -> assertThat(
                ledger.begin(sync, "b1", "the batch's fingerprint"))
                .isInstanceOf(IdempotencyLedger.Started.class));
        JobService jobs = jobs(store, ledger);

        assertThatThrownBy(() -> jobs.submit("things", body("b1", 5)))
                .isInstanceOf(BatchConflictException.class).hasMessageContaining("/batches");
        assertThat(store.jobIdFor(sync, "b1")).as("the job was deleted").isEmpty();
        assertThat(vendor.sent).as("nothing was sent for the job").hasValue(0);
    }

    @Test
    public void aJobCreatedWhileTheBatchHoldsItsFreshClaimWinsAndTheBatchFreesTheClaim() {
        JobStore store = jobStore();
        IdempotencyLedger ledger = ledger();
        String[] jobId = new String[1];
        // the job is created after the batch claimed the ids, before the batch looks for a job: a job service that
        // had looked at the ledger before the claim
        JobStore racing = intercepting(store, "jobIdFor", ids -> {
            JobSpec spec = new JobSpec("job-" + UUID.randomUUID(), sync, "b1", "things", "things", "upsert",
                    "the job's fingerprint", 5, 10, java.time.Instant.now(), "another-replica", false);
            assertThat(store.create(spec, JobProgress.queued(spec.createdAt()), List.of("r0", "r1", "r2", "r3",
                    "r4"), Duration.ofHours(1))).isInstanceOf(JobStore.Created.class);
            jobId[0] = spec.jobId();
        });
        BatchService batches = batches(racing, ledger);

        assertThatThrownBy(() -> batches.execute("things", body("b1", 5)))
                .isInstanceOf(BatchConflictException.class).hasMessageContaining("job '");
        assertThat(store.jobIdFor(sync, "b1")).hasValue(jobId[0]);
        assertThat(ledger.holds(sync, "b1")).as("the batch freed its claim").isFalse();
        assertThat(vendor.sent).as("nothing was sent for the batch").hasValue(0);
    }

    /** {@code store}, running {@code before} (given the call's arguments) before each call of {@code method}. */
    private static JobStore intercepting(JobStore store, String method, Consumer<Object[]> before) {
        return (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class},
                (proxy, m, args) -> {
                    if (m.getName().equals(method) && !m.isDefault()) {
                        before.accept(args);
                    }
                    try {
                        return m.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
