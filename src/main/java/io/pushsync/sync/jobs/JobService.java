package io.pushsync.sync.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushsync.sync.AdapterRun;
import io.pushsync.sync.BatchBodyReader;
import io.pushsync.sync.BatchConflictException;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.BatchValidator;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.PayloadFingerprint;
import io.pushsync.sync.PreparedBatch;
import io.pushsync.sync.RequestHead;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.idempotency.IdempotencyLedger;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
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
 */
@Service
public class JobService implements SmartLifecycle {

    private static final String MAX_ROWS_KEY = "pushsync.jobs.max-rows";

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final DestinationRegistry registry;
    private final BatchValidator validator;
    private final JobStore store;
    private final IdempotencyLedger ledger;
    /** The running jobs' calls to {@link #store}, retried through a short stall of it. */
    private final JobStateWrites writes;
    private final JobSpool spool;
    private final JobProperties properties;
    private final SyncMetrics metrics;
    private final PayloadFingerprint fingerprints;
    private final Clock clock;
    private final String replica;
    private volatile ThreadPoolExecutor executor;
    private volatile ScheduledExecutorService ticker;
    private final Map<String, LocalJob> local = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;
    private volatile boolean running;

    public JobService(DestinationRegistry registry, BatchValidator validator, JobStore store,
            IdempotencyLedger ledger, JobSpool spool, JobProperties properties, SyncMetrics metrics,
            PayloadFingerprint fingerprints, MeterRegistry meters) {
        this.ledger = ledger;
        this.registry = registry;
        this.validator = validator;
        this.store = store;
        this.writes = new JobStateWrites(properties.stateWriteRetry());
        this.spool = spool;
        this.properties = properties;
        this.metrics = metrics;
        this.fingerprints = fingerprints;
        this.clock = Clock.systemUTC();
        this.replica = replicaName();
        this.executor = newExecutor();
        Gauge.builder("pushsync_jobs", local, m -> count(m, false)).tag("state", "queued")
                .description("jobs of this replica waiting to run").register(meters);
        Gauge.builder("pushsync_jobs", local, m -> count(m, true)).tag("state", "running")
                .description("jobs of this replica running").register(meters);
    }

    /** The answer to a submission; {@code replayed} when the same job had been submitted before. */
    public record Submitted(JobStatus status, boolean replayed) {
    }

    /** A body that is already a tree (tests). */
    public Submitted submit(String type, JsonNode body) {
        registry.get(type);
        return submit(type, spool(new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * Writes a job's body to the spool directory while reading its head ({@link JobSpool#write}).
     *
     * @throws JobsBusyException when the body cannot be written (503: a full disk)
     */
    public SpooledBody spool(InputStream body) {
        return spool.write(body);
    }

    /**
     * Validates a spooled body row by row from its file (the same 400 and 413 as a batch), claims its
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
                    properties.maxRows(), MAX_ROWS_KEY);
            if (!accepting) {
                throw shuttingDown();
            }
            Instant now = clock.instant();
            JobSpec spec = new JobSpec(UUID.randomUUID().toString(), head.syncId(), head.batchId(), type,
                    head.objectType().name(), head.mode(), fingerprints.of(type, body.body()), head.rowCount(),
                    properties.segmentSize(), now, replica);
            refuseIfABatchHoldsTheIds(spec);
            JobStore.Submission submission;
            try (SpooledIds ids = new SpooledIds(body, spec)) {
                submission = store.create(spec, JobProgress.queued(now), ids,
                        properties.deadline().plus(properties.retention()).plus(properties.heartbeatTimeout()));
            }
            if (!(submission instanceof JobStore.Mismatch)) {
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
            LocalJob job = new LocalJob(spec, destination, head, body);
            local.put(spec.jobId(), job);
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
            return new Submitted(JobStatus.of(new StoredJob(spec, JobProgress.queued(now), null)), false);
        } finally {
            if (!queued) {
                body.delete();
            }
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
        return JobStatus.of(current(jobId));
    }

    public JobResultsPage results(String jobId, int offset, int limit) {
        if (offset < 0) {
            throw new InvalidPageException("offset must be 0 or more, not " + offset);
        }
        if (limit < 1 || limit > properties.maxPageSize()) {
            throw new InvalidPageException("limit must be between 1 and " + properties.maxPageSize()
                    + " (pushsync.jobs.max-page-size), not " + limit);
        }
        StoredJob job = current(jobId);
        if (!job.progress().state().isFinal()) {
            throw new JobNotFinishedException(JobStatus.of(job));
        }
        JobSpec spec = job.spec();
        int end = (int) Math.min(spec.total(), (long) offset + limit);
        List<RowResult> page = new ArrayList<>(Math.max(0, end - offset));
        for (int s = offset / spec.segmentSize(); offset < end && s <= (end - 1) / spec.segmentSize(); s++) {
            int segmentStart = spec.segmentFrom(s);
            List<RowResult> segment = segmentResults(spec, s, job.progress());
            int from = Math.max(offset, segmentStart) - segmentStart;
            int to = Math.min(end, segmentStart + segment.size()) - segmentStart;
            page.addAll(segment.subList(from, to));
        }
        return new JobResultsPage(jobId, job.progress().state(), spec.total(), offset, limit, page,
                end < spec.total() ? end : null);
    }

    /** Requests the cancel (on any replica) and answers the status as it is now. */
    public JobStatus cancel(String jobId) {
        StoredJob job = current(jobId);
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

    // ---------------------------------------------------------------- running

    private void run(LocalJob job) {
        JobSpec spec = job.spec;
        try (MDC.MDCCloseable a = MDC.putCloseable("syncId", spec.syncId());
                MDC.MDCCloseable b = MDC.putCloseable("batchId", spec.batchId());
                MDC.MDCCloseable c = MDC.putCloseable("destination", spec.destination())) {
            boolean go = job.start(clock.instant());
            long started = System.nanoTime();
            if (go) {
                saveProgress(job);
            }
            runWindows(job);
            JobProgress end = finish(job);
            if (go) {
                metrics.recordBatch(spec.destination(), spec.objectType(), new BatchResponse.Summary(spec.total(),
                        end.succeeded(), end.accepted(), end.failed(), end.skipped()),
                        Duration.ofNanos(System.nanoTime() - started));
            }
        } catch (RuntimeException | Error e) {
            log.error("job {} could not be completed; readers will see it interrupted once its heartbeat is stale",
                    spec.jobId(), e);
        } finally {
            local.remove(spec.jobId());
            job.body.delete();
        }
    }

    /**
     * Reads the rows from the spooled body a window at a time and sends each window as one request; once the budget
     * has ended (deadline, cancel, interrupt) or the vendor refused the credentials or the target, the remaining
     * windows are read only to fail their rows, without calling the adapter. Each window's results are stored
     * (as segments) and dropped before the next window is read.
     */
    private void runWindows(LocalJob job) {
        JobSpec spec = job.spec;
        int size = properties.window();
        try (BatchBodyReader.RowCursor rows = job.body.rows()) {
            for (int from = 0; from < spec.total(); from += size) {
                int count = Math.min(size, spec.total() - from);
                PreparedBatch batch = validator.window(job.head, rows, count);
                if (batch.ids().size() != count) {
                    throw new IllegalStateException("the spooled body of job " + spec.jobId() + " has "
                            + (from + batch.ids().size()) + " rows, not " + spec.total());
                }
                RowResults results = AdapterRun.results(batch);
                job.open(new Window(from, results, new boolean[(count + spec.segmentSize() - 1)
                        / spec.segmentSize()]));
                RowError skip = job.vendorStop != null ? job.vendorStop
                        : job.deadline.isExpired() ? job.deadline.expiredError() : null;
                if (skip == null) {
                    AdapterRun.sync(job.destination, batch.request(), job.deadline, results, "job",
                            "job " + spec.jobId() + " (rows " + from + " to " + (from + count - 1) + ")");
                    job.vendorStop = results.stopped().orElse(null);
                    if (job.vendorStop != null && from + count < spec.total()) {
                        log.warn("job {}: the vendor answered {} for rows {} to {}; the {} rows after them fail "
                                + "with it without being sent", spec.jobId(), job.vendorStop.code(), from,
                                from + count - 1, spec.total() - from - count);
                    }
                } else {
                    int failed = results.failUnset(skip);
                    if (skip == job.vendorStop) {
                        job.notSentAfterVendorStop += failed;
                    }
                }
                closeWindow(job);
            }
        }
    }

    /** Stores the window's segments, adds its rows to the job's counts and drops it. */
    private void closeWindow(LocalJob job) {
        synchronized (job) {
            Window w = job.window;
            flushSegments(job, true);
            for (RowStatus status : RowStatus.values()) {
                job.counts[status.ordinal()] += w.results().count(status);
            }
            for (int i = 0; i < w.results().total(); i++) {
                RowResult r = w.results().get(i);
                if (r.status() == RowStatus.FAILED) {
                    job.failures.merge(r.error().code(), 1, Integer::sum);
                }
            }
            job.window = null;
        }
    }

    /** Writes the end; every row has its outcome and every segment is stored by now ({@link #runWindows}). */
    private JobProgress finish(LocalJob job) {
        synchronized (job) {
            if (job.end != null) {
                return job.end;
            }
            RowError stop = job.deadline.expiredError();
            int stopped = job.failures.getOrDefault(stop.code(), 0);
            JobState state = JobState.COMPLETED;
            String message = null;
            if (job.deadline.isStopped() && stopped > 0) {
                state = ErrorCode.INTERRUPTED.code().equals(stop.code()) ? JobState.INTERRUPTED : JobState.CANCELLED;
                message = stopped + " rows were not sent: " + stop.message();
            } else if (job.notSentAfterVendorStop > 0) {
                message = job.notSentAfterVendorStop + " rows were not sent: the vendor answered "
                        + job.vendorStop.code() + " earlier in the job, so no later row could succeed";
            }
            Instant now = clock.instant();
            JobProgress end = JobProgress.of(state, job.counts, job.startedAt == null ? now : job.startedAt, now,
                    now, message);
            job.finished = true;
            job.end = end;
            job.body.delete();
            writes.run(job.spec.jobId(), () -> store.finish(job.spec.jobId(), end, properties.retention()));
            log.info("job {} {}: batch {} of sync {} to {} {}: {} succeeded, {} accepted, {} failed, {} skipped",
                    job.spec.jobId(), state.wireName(), job.spec.batchId(), job.spec.syncId(),
                    job.spec.destination(), job.spec.objectType(), end.succeeded(), end.accepted(), end.failed(),
                    end.skipped());
            return end;
        }
    }

    /** Ends a job that never ran (cancelled or interrupted while queued): every row fails, nothing is sent. */
    private void finishQueued(LocalJob job, RowError reason) {
        try {
            job.stop(reason);
            job.start(clock.instant());
            runWindows(job);
            finish(job);
        } catch (RuntimeException e) {
            log.error("queued job {} could not be finished; readers will see it interrupted once its heartbeat is "
                    + "stale", job.spec.jobId(), e);
        } finally {
            local.remove(job.spec.jobId());
            job.body.delete();
        }
    }

    /** Stores every segment of the current window whose rows all have an outcome (all when {@code all}), once. */
    private void flushSegments(LocalJob job, boolean all) {
        Window w = job.window;
        if (w == null) {
            return;
        }
        int first = w.from() / job.spec.segmentSize();
        for (int k = 0; k < w.flushed().length; k++) {
            if (w.flushed()[k]) {
                continue;
            }
            int from = job.spec.segmentFrom(first + k) - w.from();
            int to = job.spec.segmentTo(first + k) - w.from();
            if (all || w.results().allSet(from, to)) {
                List<RowResult> segment = w.results().slice(from, to);
                int index = first + k;
                writes.run(job.spec.jobId(), () -> store.saveResults(job.spec.jobId(), index, segment));
                w.flushed()[k] = true;
            }
        }
    }

    private void saveProgress(LocalJob job) {
        synchronized (job) {
            if (!job.finished) {
                // the progress of the attempt's time: a write after a stall carries a fresh heartbeat
                String jobId = job.spec.jobId();
                writes.run(jobId, () -> store.saveProgress(jobId, job.progress(clock.instant())));
            }
        }
    }

    private void tick() {
        for (LocalJob job : local.values()) {
            try {
                if (!job.cancelRequested
                        && writes.call(job.spec.jobId(), () -> store.isCancelRequested(job.spec.jobId()))) {
                    cancelLocal(job);
                }
                synchronized (job) {
                    if (job.started && !job.finished) {
                        flushSegments(job, false);
                    }
                }
                saveProgress(job);
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
            finishQueued(job, cancelled); // it was still queued: it ends now, nothing sent
        }
    }

    // ---------------------------------------------------------------- reading

    /** The stored job; a live job whose replica stopped writing is finished here as interrupted. */
    private StoredJob current(String jobId) {
        StoredJob job = store.find(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        JobProgress p = job.progress();
        if (p.state().isFinal() || local.containsKey(jobId)
                || p.heartbeatAt().plus(properties.heartbeatTimeout()).isAfter(clock.instant())) {
            return job;
        }
        return adoptInterrupted(job);
    }

    private StoredJob adoptInterrupted(StoredJob job) {
        JobSpec spec = job.spec();
        JobProgress last = job.progress();
        String why = "the replica running this job (" + spec.owner() + ") stopped writing progress at "
                + last.heartbeatAt() + " before the job finished";
        int[] counts = new int[RowStatus.values().length];
        int interrupted = 0;
        for (int s = 0; s < spec.segments(); s++) {
            List<RowResult> segment = segmentResults(spec, s, last);
            for (RowResult r : segment) {
                counts[r.status().ordinal()]++;
                if (r.error() != null && ErrorCode.INTERRUPTED.code().equals(r.error().code())) {
                    interrupted++;
                }
            }
        }
        JobProgress end = JobProgress.of(JobState.INTERRUPTED, counts, last.startedAt(), clock.instant(),
                last.heartbeatAt(), why + "; " + interrupted + " rows without a confirmed outcome failed "
                        + "'interrupted' and can be retried");
        store.finish(spec.jobId(), end, properties.retention());
        log.warn("job {} finished as interrupted: {}", spec.jobId(), why);
        return new StoredJob(spec, end, job.cancelRequestedAt());
    }

    /**
     * The stored results of a segment; a segment never stored (its replica died first) is written now with every
     * row {@code interrupted}, so that every reader sees the same answer.
     */
    private List<RowResult> segmentResults(JobSpec spec, int segment, JobProgress progress) {
        Optional<List<RowResult>> stored = store.results(spec.jobId(), segment);
        if (stored.isPresent()) {
            return stored.get();
        }
        RowError error = RowError.of(ErrorCode.INTERRUPTED, "the job was interrupted before this row's outcome was "
                + "recorded; it may or may not have reached the vendor: retry it");
        List<RowResult> missing = new ArrayList<>();
        for (String id : store.rowIds(spec.jobId(), segment)) {
            missing.add(RowResult.failed(id, error));
        }
        store.saveResults(spec.jobId(), segment, missing);
        return missing;
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
        for (LocalJob job : local.values()) {
            if (queued.contains(job.task)) {
                finishQueued(job, interrupted);
            }
        }
        long graceEnd = System.nanoTime() + properties.shutdownGrace().toNanos();
        while (!local.isEmpty() && System.nanoTime() < graceEnd) {
            sleep(50);
        }
        if (!local.isEmpty()) {
            log.warn("interrupting {} running jobs for shutdown", local.size());
            local.values().forEach(job -> job.stop(interrupted));
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

    private static int count(Map<String, LocalJob> jobs, boolean started) {
        int n = 0;
        for (LocalJob job : jobs.values()) {
            if (job.started == started) {
                n++;
            }
        }
        return n;
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

    /** The rows of a job being sent: their results, and which of the window's segments are stored. */
    private record Window(int from, RowResults results, boolean[] flushed) {
    }

    /** Reads a spooled body's row ids a segment at a time, for {@link JobStore#create}. */
    private static final class SpooledIds implements Iterator<List<String>>, AutoCloseable {
        private final SpooledBody body;
        private final JobSpec spec;
        private BatchBodyReader.RowCursor rows;
        private int next;

        SpooledIds(SpooledBody body, JobSpec spec) {
            this.body = body;
            this.spec = spec;
        }

        @Override
        public boolean hasNext() {
            return next < spec.segments();
        }

        @Override
        public List<String> next() {
            if (rows == null) {
                rows = body.rows();
            }
            int size = spec.segmentTo(next) - spec.segmentFrom(next);
            List<String> ids = new ArrayList<>(size);
            while (ids.size() < size) {
                ids.add(rows.next().id().stringValue());
            }
            next++;
            return ids;
        }

        @Override
        public void close() {
            if (rows != null) {
                rows.close();
            }
        }
    }

    /**
     * A job of this replica: what it needs in memory (the connection with its secrets never leaves here). Its rows
     * are in its spooled body; of its results it holds the current window's and counts of the others.
     */
    private final class LocalJob {
        final JobSpec spec;
        final Destination destination;
        final RequestHead head;
        final SpooledBody body;
        final Runnable task;
        /** Rows of the windows done, by status ordinal. */
        final int[] counts = new int[RowStatus.values().length];
        /** Rows of the windows done that failed, by error code. */
        final Map<String, Integer> failures = new HashMap<>();
        /** The window being sent, or null between windows. */
        Window window;
        /** Set once a window said no later row can succeed; then read by the job's thread only. */
        RowError vendorStop;
        int notSentAfterVendorStop;
        volatile Deadline deadline;
        volatile boolean started;
        volatile boolean finished;
        volatile boolean cancelRequested;
        volatile RowError stopReason;
        Instant startedAt;
        JobProgress end;

        LocalJob(JobSpec spec, Destination destination, RequestHead head, SpooledBody body) {
            this.spec = spec;
            this.destination = destination;
            this.head = head;
            this.body = body;
            this.task = () -> run(this);
        }

        /** Starts the budget; false when the job was stopped before it started (then nothing is sent). */
        synchronized boolean start(Instant now) {
            if (started) {
                return false;
            }
            started = true;
            startedAt = now;
            deadline = Deadline.after(properties.deadline(), clock);
            if (stopReason != null) {
                deadline.stop(stopReason);
                return false;
            }
            return true;
        }

        synchronized void open(Window w) {
            window = w;
        }

        synchronized void stop(RowError reason) {
            if (ErrorCode.CANCELLED.code().equals(reason.code())) {
                cancelRequested = true;
            }
            if (stopReason == null) {
                stopReason = reason;
            }
            if (deadline != null) {
                deadline.stop(reason);
            }
        }

        synchronized JobProgress progress(Instant now) {
            if (!started) {
                return JobProgress.queued(now);
            }
            int[] live = counts.clone();
            if (window != null) {
                for (RowStatus status : RowStatus.values()) {
                    live[status.ordinal()] += window.results().count(status);
                }
            }
            return JobProgress.of(JobState.RUNNING, live, startedAt, null, now, null);
        }
    }
}
