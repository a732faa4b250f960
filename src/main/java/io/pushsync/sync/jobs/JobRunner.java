package io.pushsync.sync.jobs;

import io.pushsync.sync.AdapterRun;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.Destination;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.PreparedBatch;
import io.pushsync.sync.intake.RequestHead;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.jobs.LocalJob.Window;
import io.pushsync.sync.plans.DryRuns;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the jobs of this replica: reads a job's rows from its spooled body a window ({@code window-rows}) at a time,
 * sends each window as one request through the adapter ({@link AdapterRun}, as a {@code /v1} batch), stores the
 * window's results as segments and drops them, and writes the job's progress and its end. A dry-run job plans each
 * window instead ({@link DryRuns}), into one plan for the whole job. Every store call goes
 * through {@link JobStateWrites}, which rides out a short stall of the store.
 */
final class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final BatchValidator validator;
    private final JobStore store;
    /** The running jobs' calls to {@link #store}, retried through a short stall of it. */
    private final JobStateWrites writes;
    private final JobProperties properties;
    private final SyncMetrics metrics;
    private final LocalJobs local;
    private final Clock clock;

    JobRunner(BatchValidator validator, JobStore store, JobStateWrites writes, JobProperties properties,
            SyncMetrics metrics, LocalJobs local, Clock clock) {
        this.validator = validator;
        this.store = store;
        this.writes = writes;
        this.properties = properties;
        this.metrics = metrics;
        this.local = local;
        this.clock = clock;
    }

    /** A job of this replica whose {@link LocalJob#task task} runs it here. */
    LocalJob job(JobSpec spec, Destination destination, RequestHead head, SpooledBody body) {
        return new LocalJob(spec, destination, head, body, properties.deadline(), clock, this::run,
                validator.limits().dryRunMaxBodies());
    }

    /** Stores every segment of the job's window whose rows all have an outcome and writes its progress. */
    void recordProgress(LocalJob job) {
        synchronized (job) {
            if (job.started && !job.finished) {
                flushSegments(job, false);
            }
        }
        saveProgress(job);
    }

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
            if (go && !spec.dryRun()) { // a dry run delivers no rows: not counted
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
     * has ended (deadline, cancel, interrupt) or the adapter stopped its batch ({@link RowResults#stopped()}), the remaining
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
                if (skip == null && job.plan != null) {
                    DryRuns.plan(job.destination, batch.request(), results, job.plan, "dry run of job "
                            + spec.jobId() + " (rows " + from + " to " + (from + count - 1) + ")");
                } else if (skip == null) {
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
                    now, message, job.planReport());
            job.finished = true;
            job.end = end;
            job.body.delete();
            writes.run(job.spec.jobId(), () -> store.finish(job.spec.jobId(), end, properties.retention()));
            log.info("job {} {}: {}batch {} of sync {} to {} {}: {} succeeded, {} accepted, {} failed, {} skipped, "
                    + "{} planned", job.spec.jobId(), state.wireName(), job.spec.dryRun() ? "dry run of " : "",
                    job.spec.batchId(), job.spec.syncId(), job.spec.destination(), job.spec.objectType(),
                    end.succeeded(), end.accepted(), end.failed(), end.skipped(), end.planned());
            return end;
        }
    }

    /** Ends a job that never ran (cancelled or interrupted while queued): every row fails, nothing is sent. */
    void finishQueued(LocalJob job, RowError reason) {
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
}
