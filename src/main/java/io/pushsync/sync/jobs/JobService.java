package io.pushsync.sync.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushsync.sync.AdapterRun;
import io.pushsync.sync.BatchBody;
import io.pushsync.sync.BatchBodyReader;
import io.pushsync.sync.InvalidBatchException;
import io.pushsync.sync.Violation;
import io.pushsync.sync.BatchConflictException;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.BatchValidator;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.PayloadFingerprint;
import io.pushsync.sync.PreparedBatch;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.SyncRequest;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 *   <li>A replica runs at most {@code max-running} jobs and queues {@code queue-capacity} more; beyond that a
 *       submission is refused (429 with Retry-After) and nothing is stored.</li>
 *   <li>The replica that accepted a job runs it and, every {@code progress-interval}, writes its progress (the
 *       heartbeat), stores every segment of results that is complete, and looks for a cancel request made on any
 *       replica.</li>
 *   <li>Cancel stops the job's budget: calls on the wire finish and count, rows not sent fail {@code cancelled}.</li>
 *   <li>Shutdown refuses new jobs (503), interrupts queued ones, gives running ones {@code shutdown-grace} and then
 *       interrupts them: rows not confirmed fail {@code interrupted} (retryable). A replica that dies without a
 *       shutdown stops writing its heartbeat; after {@code heartbeat-timeout} any replica reading the job finishes it
 *       as interrupted, keeping the results of the segments already stored.</li>
 * </ul>
 */
@Service
public class JobService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final DestinationRegistry registry;
    private final BatchValidator validator;
    private final JobStore store;
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
            JobProperties properties, SyncMetrics metrics, PayloadFingerprint fingerprints, MeterRegistry meters) {
        this.registry = registry;
        this.validator = validator;
        this.store = store;
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
        if (body == null || !body.isObject()) {
            throw new InvalidBatchException(List.of(new Violation("", "the request body must be a JSON object")));
        }
        return submit(type, BatchBodyReader.defaults().of(body));
    }

    public Submitted submit(String type, BatchBody body) {
        Destination destination = registry.get(type);
        PreparedBatch batch = validator.prepare(destination.descriptor(), body, properties.maxRows(),
                "pushsync.jobs.max-rows");
        if (!accepting) {
            throw shuttingDown();
        }
        SyncRequest request = batch.request();
        Instant now = clock.instant();
        JobSpec spec = new JobSpec(UUID.randomUUID().toString(), request.syncId(), request.batchId(), type,
                request.objectType(), request.mode(), fingerprints.of(type, body), batch.ids().size(),
                properties.segmentSize(), now, replica);
        JobStore.Submission submission = store.create(spec, JobProgress.queued(now), batch.ids(),
                properties.deadline().plus(properties.retention()).plus(properties.heartbeatTimeout()));
        if (submission instanceof JobStore.Existing existing) {
            return new Submitted(status(existing.jobId()), true);
        }
        if (submission instanceof JobStore.Mismatch mismatch) {
            throw new BatchConflictException("batch '" + request.batchId() + "' of sync '" + request.syncId()
                    + "' was already submitted as job '" + mismatch.jobId() + "' with a different payload; use a "
                    + "new batchId for a new batch");
        }
        LocalJob job = new LocalJob(spec, destination, batch);
        local.put(spec.jobId(), job);
        try {
            executor.execute(job.task);
        } catch (RejectedExecutionException e) {
            local.remove(spec.jobId());
            store.delete(spec.jobId());
            if (!accepting) {
                throw shuttingDown();
            }
            throw new JobsBusyException(JobsBusyException.Reason.QUEUE_FULL, properties.retryAfter(),
                    "this replica already runs " + properties.maxRunning() + " jobs (pushsync.jobs.max-running) and has "
                            + properties.queueCapacity() + " waiting (pushsync.jobs.queue-capacity); nothing was "
                            + "stored: submit the same job again later");
        }
        log.info("job {} queued: batch {} of sync {} to {} {}, {} rows", spec.jobId(), spec.batchId(),
                spec.syncId(), type, spec.objectType(), spec.total());
        return new Submitted(JobStatus.of(new StoredJob(spec, JobProgress.queued(now), null)), false);
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
            if (!job.start(clock.instant())) {
                finish(job);
                return;
            }
            long started = System.nanoTime();
            saveProgress(job);
            AdapterRun.sync(job.destination, job.batch.request(), job.deadline, job.results, "job",
                    "job " + spec.jobId());
            JobProgress end = finish(job);
            metrics.recordBatch(spec.destination(), spec.objectType(), new BatchResponse.Summary(spec.total(),
                    end.succeeded(), end.accepted(), end.failed(), end.skipped()),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException | Error e) {
            log.error("job {} could not be completed; readers will see it interrupted once its heartbeat is stale",
                    spec.jobId(), e);
        } finally {
            local.remove(spec.jobId());
        }
    }

    /** Fails every row without an outcome (a job stopped before it started fails all), stores all, writes the end. */
    private JobProgress finish(LocalJob job) {
        synchronized (job) {
            if (job.end != null) {
                return job.end;
            }
            RowError stop = job.deadline.expiredError();
            job.results.failUnset(stop);
            flushSegments(job, true);
            int stopped = 0;
            for (int i = 0; i < job.results.total(); i++) {
                RowError error = job.results.get(i).error();
                if (error != null && error.code().equals(stop.code())) {
                    stopped++;
                }
            }
            JobState state = JobState.COMPLETED;
            String message = null;
            if (job.deadline.isStopped() && stopped > 0) {
                state = ErrorCode.INTERRUPTED.code().equals(stop.code()) ? JobState.INTERRUPTED : JobState.CANCELLED;
                message = stopped + " rows were not sent: " + stop.message();
            }
            Instant now = clock.instant();
            JobProgress end = JobProgress.of(state, job.results, job.startedAt == null ? now : job.startedAt, now,
                    now, message);
            job.finished = true;
            job.end = end;
            store.finish(job.spec.jobId(), end, properties.retention());
            log.info("job {} {}: batch {} of sync {} to {} {}: {} succeeded, {} accepted, {} failed, {} skipped",
                    job.spec.jobId(), state.wireName(), job.spec.batchId(), job.spec.syncId(),
                    job.spec.destination(), job.spec.objectType(), end.succeeded(), end.accepted(), end.failed(),
                    end.skipped());
            return end;
        }
    }

    /** Stores every segment whose rows all have an outcome (every segment when {@code all}), once. */
    private void flushSegments(LocalJob job, boolean all) {
        for (int s = 0; s < job.flushed.length; s++) {
            if (job.flushed[s]) {
                continue;
            }
            int from = job.spec.segmentFrom(s);
            int to = job.spec.segmentTo(s);
            if (all || job.results.allSet(from, to)) {
                store.saveResults(job.spec.jobId(), s, job.results.slice(from, to));
                job.flushed[s] = true;
            }
        }
    }

    private void saveProgress(LocalJob job) {
        synchronized (job) {
            if (!job.finished) {
                store.saveProgress(job.spec.jobId(), job.progress(clock.instant()));
            }
        }
    }

    private void tick() {
        for (LocalJob job : local.values()) {
            try {
                if (!job.cancelRequested && store.isCancelRequested(job.spec.jobId())) {
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
        job.stop(RowError.of(ErrorCode.CANCELLED, "the job was cancelled before this row was sent"));
        if (executor.remove(job.task)) {
            // it was still queued: it ends now, nothing sent
            try {
                job.start(clock.instant());
                finish(job);
            } finally {
                local.remove(job.spec.jobId());
            }
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
        JobProgress end = new JobProgress(JobState.INTERRUPTED, spec.total(), counts[RowStatus.SUCCEEDED.ordinal()],
                counts[RowStatus.ACCEPTED.ordinal()], counts[RowStatus.FAILED.ordinal()],
                counts[RowStatus.SKIPPED.ordinal()], last.startedAt(), clock.instant(), last.heartbeatAt(),
                why + "; " + interrupted + " rows without a confirmed outcome failed 'interrupted' and can be retried");
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
                job.stop(interrupted);
                job.start(clock.instant());
                finish(job);
                local.remove(job.spec.jobId());
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

    /** A job of this replica: what it needs in memory (the connection with its secrets never leaves here). */
    private final class LocalJob {
        final JobSpec spec;
        final Destination destination;
        final PreparedBatch batch;
        final Runnable task;
        final boolean[] flushed;
        volatile RowResults results;
        volatile Deadline deadline;
        volatile boolean started;
        volatile boolean finished;
        volatile boolean cancelRequested;
        volatile RowError stopReason;
        Instant startedAt;
        JobProgress end;

        LocalJob(JobSpec spec, Destination destination, PreparedBatch batch) {
            this.spec = spec;
            this.destination = destination;
            this.batch = batch;
            this.flushed = new boolean[spec.segments()];
            this.task = () -> run(this);
        }

        /** Starts the budget; false when the job was stopped before it started (then nothing is sent). */
        synchronized boolean start(Instant now) {
            if (started) {
                return false;
            }
            started = true;
            startedAt = now;
            results = AdapterRun.results(batch);
            deadline = Deadline.after(properties.deadline(), clock);
            if (stopReason != null) {
                deadline.stop(stopReason);
                return false;
            }
            return true;
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

        JobProgress progress(Instant now) {
            RowResults r = results;
            if (!started || r == null) {
                return JobProgress.queued(now);
            }
            return JobProgress.of(JobState.RUNNING, r, startedAt, null, now, null);
        }
    }
}
