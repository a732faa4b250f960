package io.pushsync.sync.jobs;

import io.pushsync.sync.history.RunHistory;
import io.pushsync.sync.history.RunRecord;
import org.springframework.beans.factory.annotation.Autowired;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushsync.sync.idempotency.BatchConflictException;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.intake.PayloadFingerprint;
import io.pushsync.sync.intake.RequestHead;
import io.pushsync.sync.RowError;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.idempotency.IdempotencyLedger;
import io.pushsync.sync.snapshots.Replacements;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Background jobs: a batch run through the same pipeline as {@code /v1} batches (validation, the adapter, one result
 * per row), without holding an HTTP request open.
 *
 * <ul>
 *   <li>The body waits on disk ({@link JobSpool}) from its submission to the job's end: it is validated at submission
 *       row by row from the file, and run a window ({@code window-rows}) at a time, each window read from the file,
 *       sent as one request to the adapter, its results stored as segments and dropped. A job holds its spec, one
 *       window and counters in memory, never all its rows or results.</li>
 *   <li>A replica runs at most {@code max-running} jobs and queues {@code queue-capacity} more; beyond that a
 *       submission is refused (429 with Retry-After) and nothing is stored.</li>
 *   <li>The replica that accepted a job runs it and, every {@code progress-interval}, writes its progress (the
 *       heartbeat), stores every segment of results that is complete, and looks for a cancel request made on any
 *       replica. These writes, and the job's end, ride out a short stall of the store: each is retried for up to
 *       {@code state-write-retry.max-duration} ({@link JobStateWrites}), while the vendor calls go on; a store down
 *       longer stops the job, which readers then see interrupted.</li>
 *   <li>Cancel stops the job's budget: calls on the wire finish and count, rows not sent fail {@code cancelled}.</li>
 *   <li>Shutdown refuses new jobs (503), interrupts queued ones, gives running ones {@code shutdown-grace} and then
 *       interrupts them: rows not confirmed fail {@code interrupted} (retryable). A replica that dies without a
 *       shutdown stops writing its heartbeat; after {@code heartbeat-timeout} any replica reading the job finishes it
 *       as interrupted, keeping the results of the segments already stored.</li>
 * </ul>
 *
 * <p>This class takes submissions and cancels and owns the executor, the progress ticker and the lifecycle;
 * {@link JobRunner} runs a job, {@link JobReader} reads one, and {@link LocalJobs} holds the jobs of this replica.
 */
@Service
public class JobService implements SmartLifecycle {

    private static final String MAX_ROWS_KEY = "pushsync.jobs.max-rows";

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final DestinationRegistry registry;
    private final BatchValidator validator;
    private final JobStore store;
    private final IdempotencyLedger ledger;
    /** Cancel checks of the ticker, retried through a short stall of the store. */
    private final JobStateWrites writes;
    private final JobSpool spool;
    private final JobProperties properties;
    private final PayloadFingerprint fingerprints;
    private final Clock clock;
    private final String replica;
    private final LocalJobs local;
    private final JobRunner runner;
    private final JobReader reader;
    private final RunHistory history;
    private volatile ThreadPoolExecutor executor;
    private volatile ScheduledExecutorService ticker;
    private volatile boolean accepting = true;
    private volatile boolean running;

    public JobService(DestinationRegistry registry, BatchValidator validator, JobStore store,
            IdempotencyLedger ledger, JobSpool spool, JobProperties properties, SyncMetrics metrics,
            PayloadFingerprint fingerprints, MeterRegistry meters, Replacements replacements) {
        this(registry, validator, store, ledger, spool, properties, metrics, fingerprints, meters, replacements,
                RunHistory.none());
    }

    @Autowired
    public JobService(DestinationRegistry registry, BatchValidator validator, JobStore store,
            IdempotencyLedger ledger, JobSpool spool, JobProperties properties, SyncMetrics metrics,
            PayloadFingerprint fingerprints, MeterRegistry meters, Replacements replacements, RunHistory history) {
        this.history = history;
        this.ledger = ledger;
        this.registry = registry;
        this.validator = validator;
        this.store = store;
        this.writes = new JobStateWrites(properties.stateWriteRetry());
        this.spool = spool;
        this.properties = properties;
        this.fingerprints = fingerprints;
        this.clock = Clock.systemUTC();
        this.replica = replicaName();
        this.executor = newExecutor();
        this.local = new LocalJobs(meters);
        JobMetrics jobMetrics = new JobMetrics(meters, registry.catalog());
        this.runner = new JobRunner(validator, store, writes, properties, metrics, jobMetrics, local, clock,
                replacements);
        this.reader = new JobReader(store, properties, local, jobMetrics, clock);
    }

    /** The answer to a submission; {@code replayed} when the same job had been submitted before. */
    public record Submitted(JobStatus status, boolean replayed) {
    }

    /** A body that is already a tree (tests). */
    public Submitted submit(String type, JsonNode body) {
        return submit(type, spool(type, new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * Writes a job's body for destination {@code type} to the spool directory while reading its head and checking
     * its rows ({@link JobSpool#write}, {@link BatchValidator#streamed}).
     *
     * @throws io.pushsync.sync.UnknownDestinationException for an unknown {@code type}, before the body is read
     * @throws JobsBusyException when the body cannot be written (503: a full disk)
     */
    public SpooledBody spool(String type, InputStream body) {
        Destination destination = registry.get(type);
        return spool.write(body, validator.streamed(destination.descriptor(), properties.maxRows()));
    }

    /**
     * Validates a spooled body (the same 400 and 413 as a batch: from the checks made while it was spooled, else row
     * by row from its file), claims its
     * {@code (syncId, batchId)} with its row ids and queues it. The file is deleted unless the job was queued.
     *
     * <p>Ids that a {@code /batches} delivery holds in the idempotency ledger are refused (409): the ledger is read
     * before the job is created and again after (a batch claims first and then looks for a job), so that a batch and
     * a job under the same ids racing each other never both run; a job created meanwhile is deleted.
     */
    public Submitted submit(String type, SpooledBody body) {
        boolean queued = false;
        try {
            Destination destination = registry.get(type);
            RequestHead head = validator.prepare(destination.descriptor(), body.body(), body::rows,
                    properties.maxRows(), MAX_ROWS_KEY, body.checks());
            if (!accepting) {
                throw shuttingDown();
            }
            Instant now = clock.instant();
            JobSpec spec = new JobSpec(UUID.randomUUID().toString(), head.syncId(), head.batchId(), type,
                    head.objectType().name(), head.mode(), fingerprints.of(type, body.body()), head.rowCount(),
                    properties.segmentSize(), now, replica, head.dryRun());
            if (!spec.dryRun()) { // a dry run sends nothing: it neither needs nor holds the ids
                refuseIfABatchHoldsTheIds(spec);
            }
            JobStore.Submission submission;
            try (SpooledIds ids = new SpooledIds(body, spec)) {
                submission = store.create(spec, JobProgress.queued(now), ids,
                        properties.deadline().plus(properties.retention()).plus(properties.heartbeatTimeout()));
            }
            if (!(submission instanceof JobStore.Mismatch) && !spec.dryRun()) {
                checkAgainAfterCreating(spec, submission instanceof JobStore.Created);
            }
            if (submission instanceof JobStore.Existing existing) {
                return new Submitted(status(existing.jobId()), true);
            }
            if (submission instanceof JobStore.Mismatch mismatch) {
                throw new BatchConflictException("batch '" + spec.batchId() + "' of sync '" + spec.syncId()
                        + "' was already submitted as job '" + mismatch.jobId() + "' with a different payload; use "
                        + "a new batchId for a new batch");
            }
            LocalJob job = runner.job(spec, destination, head, body);
            local.add(job);
            try {
                executor.execute(job.task);
                queued = true;
            } catch (RejectedExecutionException e) {
                local.remove(spec.jobId());
                store.delete(spec.jobId());
                if (!accepting) {
                    throw shuttingDown();
                }
                throw new JobsBusyException(JobsBusyException.Reason.QUEUE_FULL, properties.retryAfter(),
                        "this replica already runs " + properties.maxRunning() + " jobs (pushsync.jobs.max-running) "
                                + "and has " + properties.queueCapacity() + " waiting (pushsync.jobs.queue-capacity); "
                                + "nothing was stored: submit the same job again later");
            }
            log.info("job {} queued: batch {} of sync {} to {} {}, {} rows", spec.jobId(), spec.batchId(),
                    spec.syncId(), type, spec.objectType(), spec.total());
            remember(spec);
            return new Submitted(JobStatus.of(new StoredJob(spec, JobProgress.queued(now), null)), false);
        } finally {
            if (!queued) {
                body.delete();
            }
        }
    }

    /** Adds the queued job to the recent-runs index, best effort (its state is read live from the store). */
    private void remember(JobSpec spec) {
        try {
            history.record(RunRecord.job(spec.jobId(), spec.syncId(), spec.batchId(), spec.destination(),
                    spec.objectType(), spec.mode(), spec.createdAt()));
        } catch (RuntimeException e) {
            log.warn("job {} was queued, but could not be added to the recent runs ({})", spec.jobId(),
                    e.getClass().getName());
        }
    }

    /** 409 when a batch through {@code /batches} holds (runs, or ran) the job's {@code (syncId, batchId)}. */
    private void refuseIfABatchHoldsTheIds(JobSpec spec) {
        if (ledger.holds(spec.syncId(), spec.batchId())) {
            throw new BatchConflictException("batch '" + spec.batchId() + "' of sync '" + spec.syncId() + "' was "
                    + "already received synchronously (POST /v1/destinations/" + spec.destination() + "/batches): a "
                    + "syncId and batchId are delivered once, through /batches or /jobs; resend it to /batches for "
                    + "its stored results, or use a new batchId for a new job");
        }
    }

    /**
     * The ledger again, now that the job holds its claim: a batch that claimed the ids in between wins, and a job
     * this call created is deleted. A failure to read the ledger deletes it too (nothing was queued).
     */
    private void checkAgainAfterCreating(JobSpec spec, boolean created) {
        try {
            refuseIfABatchHoldsTheIds(spec);
        } catch (RuntimeException e) {
            if (created) {
                try {
                    store.delete(spec.jobId());
                } catch (RuntimeException deleteFailed) {
                    e.addSuppressed(deleteFailed);
                }
            }
            throw e;
        }
    }

    public JobStatus status(String jobId) {
        return reader.status(jobId);
    }

    public JobResultsPage results(String jobId, int offset, int limit) {
        return reader.results(jobId, offset, limit);
    }

    /** A page of the removals of a finished replace job. */
    public JobRemovedPage removed(String jobId, int offset, int limit) {
        return reader.removed(jobId, offset, limit);
    }

    /** Requests the cancel (on any replica) and answers the status as it is now. */
    public JobStatus cancel(String jobId) {
        StoredJob job = reader.current(jobId);
        if (job.progress().state().isFinal()) {
            return JobStatus.of(job);
        }
        store.requestCancel(jobId, clock.instant());
        LocalJob mine = local.get(jobId);
        if (mine != null) {
            cancelLocal(mine);
        }
        return status(jobId);
    }

    // ---------------------------------------------------------------- the ticker

    private void tick() {
        for (LocalJob job : local.all()) {
            try {
                if (!job.cancelRequested
                        && writes.call(job.spec.jobId(), () -> store.isCancelRequested(job.spec.jobId()))) {
                    cancelLocal(job);
                }
                runner.recordProgress(job);
            } catch (RuntimeException e) {
                log.warn("could not record the progress of job {}: {}", job.spec.jobId(), e.toString());
            }
        }
        try {
            store.purgeExpired();
        } catch (RuntimeException e) {
            log.warn("could not purge expired jobs: {}", e.toString());
        }
    }

    private void cancelLocal(LocalJob job) {
        RowError cancelled = RowError.of(ErrorCode.CANCELLED, "the job was cancelled before this row was sent");
        job.stop(cancelled);
        if (executor.remove(job.task)) {
            runner.finishQueued(job, cancelled); // it was still queued: it ends now, nothing sent
        }
    }

    // ---------------------------------------------------------------- lifecycle

    private ThreadPoolExecutor newExecutor() {
        BlockingQueue<Runnable> queue = properties.queueCapacity() == 0 ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(properties.queueCapacity());
        AtomicInteger threads = new AtomicInteger();
        return new ThreadPoolExecutor(properties.maxRunning(), properties.maxRunning(), 0, TimeUnit.MILLISECONDS,
                queue, r -> {
                    Thread t = new Thread(r, "job-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Starts (or, after {@link #stop}, restarts) taking jobs and the progress ticker. */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        if (executor.isShutdown()) {
            executor = newExecutor();
        }
        accepting = true;
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "job-progress");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, properties.progressInterval().toMillis());
        ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        running = true;
    }

    /**
     * Shutdown: refuse new jobs, interrupt the queued ones, give the running ones {@code shutdown-grace}, then
     * interrupt them and wait until each has stored its results.
     */
    @Override
    public synchronized void stop() {
        accepting = false;
        List<Runnable> queued = new ArrayList<>();
        executor.getQueue().drainTo(queued);
        RowError interrupted = RowError.of(ErrorCode.INTERRUPTED, "the job was interrupted by a shutdown of replica "
                + replica + " before this row was sent");
        for (LocalJob job : local.all()) {
            if (queued.contains(job.task)) {
                runner.finishQueued(job, interrupted);
            }
        }
        long graceEnd = System.nanoTime() + properties.shutdownGrace().toNanos();
        while (!local.isEmpty() && System.nanoTime() < graceEnd) {
            sleep(50);
        }
        if (!local.isEmpty()) {
            log.warn("interrupting {} running jobs for shutdown", local.size());
            local.all().forEach(job -> job.stop(interrupted));
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.MINUTES)) {
                log.error("jobs still running after shutdown; readers will see them interrupted");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private JobsBusyException shuttingDown() {
        return new JobsBusyException(JobsBusyException.Reason.SHUTTING_DOWN, properties.retryAfter(),
                "this replica is shutting down and takes no new jobs; submit the job again (another replica will "
                        + "take it)");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String replicaName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "pushsync";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
