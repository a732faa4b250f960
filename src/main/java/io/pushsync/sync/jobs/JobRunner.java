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
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.ReplaceTarget;
import io.pushsync.sync.snapshots.ReplaceRequests;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import io.pushsync.sync.snapshots.ReplaceRun;
import io.pushsync.sync.snapshots.Replacements;
import io.pushsync.sync.snapshots.SnapshotBusyException;
import java.util.ArrayList;
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
    private final JobMetrics jobMetrics;
    private final LocalJobs local;
    private final Clock clock;
    private final Replacements replacements;
    /** The rows the running jobs' windows may hold at once ({@code max-rows-in-memory}). */
    private final WindowRoom room;

    JobRunner(BatchValidator validator, JobStore store, JobStateWrites writes, JobProperties properties,
            SyncMetrics metrics, JobMetrics jobMetrics, LocalJobs local, Clock clock, Replacements replacements) {
        this.jobMetrics = jobMetrics;
        this.replacements = replacements;
        this.validator = validator;
        this.store = store;
        this.writes = writes;
        this.properties = properties;
        this.metrics = metrics;
        this.local = local;
        this.clock = clock;
        this.room = new WindowRoom(properties.maxRowsInMemory());
        jobMetrics.rowsInMemory(room);
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
        ReplaceRun replace = ObjectTypeDescriptor.REPLACE.equals(job.spec.mode()) ? openReplace(job) : null;
        try {
            runWindows(job, replace);
            if (replace != null) {
                runRemovals(job, replace);
            }
        } finally {
            if (replace != null) {
                try {
                    replace.flush();
                } catch (RuntimeException e) {
                    job.snapshotWriteFailed = true;
                    log.error("job {}: the vendor's answers could not be stored in the snapshot ({}); the next "
                            + "replace of the target sends these changes again", job.spec.jobId(), e.toString());
                } finally {
                    replace.close();
                }
            }
        }
    }

    private void runWindows(LocalJob job, ReplaceRun replace) {
        inWindows(job, (rows, from, count) -> runWindow(job, replace, rows, from, count));
    }

    /** What is done with one window: {@code count} rows from row {@code from}, read next from {@code rows}. */
    private interface WindowReader {
        void read(BatchBodyReader.RowCursor rows, int from, int count);
    }

    /**
     * Reads the job's spooled rows from the first, a window at a time, each within room taken for it
     * ({@link WindowRoom#take(LocalJob, int)}: a window may be shorter than {@code window-rows} when less room is free).
     */
    private void inWindows(LocalJob job, WindowReader window) {
        int total = job.spec.total();
        try (BatchBodyReader.RowCursor rows = job.body.rows()) {
            for (int from = 0; from < total; ) {
                try (WindowRoom.Taken taken = room.take(job, Math.min(properties.window(), total - from))) {
                    window.read(rows, from, taken.rows());
                    from += taken.rows();
                }
            }
        }
    }

    /** Reads, sends (or plans, or fails unsent) and stores one window of {@code count} rows from row {@code from}. */
    private void runWindow(LocalJob job, ReplaceRun replace, BatchBodyReader.RowCursor rows, int from, int count) {
        JobSpec spec = job.spec;
        PreparedBatch batch = validator.window(job.head, rows, count);
        if (batch.ids().size() != count) {
            throw new IllegalStateException("the spooled body of job " + spec.jobId() + " has "
                    + (from + batch.ids().size()) + " rows, not " + spec.total());
        }
        RowResults results = AdapterRun.results(batch);
        job.open(new Window(from, results, new boolean[(count + spec.segmentSize() - 1)
                / spec.segmentSize()]));
        RowError skip = skip(job);
        if (skip != null) {
            int failed = results.failUnset(skip);
            if (skip == job.vendorStop) {
                job.notSentAfterVendorStop += failed;
            }
        } else {
            SyncRequest request = replace == null ? batch.request()
                    : ReplaceRequests.mirror(batch.request(), replace.additions(batch.request().rows(), results));
            String what = "rows " + from + " to " + (from + count - 1);
            if (job.plan != null) {
                DryRuns.plan(job.destination, request, results, job.plan, "dry run of job " + spec.jobId() + " ("
                        + what + ")");
            } else {
                send(job, request, results, what, spec.total() - from - count, replace);
            }
        }
        closeWindow(job);
    }

    /** Why nothing more of the job is sent (the vendor's stop, the budget's end), or null. */
    private static RowError skip(LocalJob job) {
        return job.vendorStop != null ? job.vendorStop
                : job.deadline.isExpired() ? job.deadline.expiredError() : null;
    }

    /** Sends one window through the adapter; a replace job then stores what the vendor took in the snapshot. */
    private void send(LocalJob job, SyncRequest request, RowResults results, String what, int after,
            ReplaceRun replace) {
        AdapterRun.sync(job.destination, request, job.deadline, results, "job", "job " + job.spec.jobId() + " ("
                + what + ")");
        job.vendorStop = results.stopped().orElse(null);
        if (job.vendorStop != null && after > 0) {
            log.warn("job {}: the vendor answered {} for {}; the {} rows after them fail with it without being "
                    + "sent", job.spec.jobId(), job.vendorStop.code(), what, after);
        }
        if (replace != null) {
            try {
                replace.record(results);
            } catch (RuntimeException e) {
                job.snapshotWriteFailed = true;
                log.error("job {}: the vendor's answers for {} could not be stored in the snapshot ({}); the next "
                        + "replace of the target sends these changes again", job.spec.jobId(), what, e.toString());
            }
        }
    }

    /**
     * Takes the job's target (waiting while another run holds it, for as long as the job's budget lasts) and
     * compares its audience with the snapshot: a first pass over the spooled rows hashes every valid row's member
     * (8 bytes a row). When the target cannot be had, the job's rows fail without being sent.
     */
    private ReplaceRun openReplace(LocalJob job) {
        if (job.deadline.isExpired()) {
            return null;
        }
        long[] hashes = new long[Math.max(16, job.spec.total())];
        int[] hashed = {0};
        ReplaceTarget target = Replacements.replaceTarget(job.destination, job.spec.objectType());
        Function<JsonNode, String> members = Replacements.members(job.destination, job.spec.objectType());
        inWindows(job, (rows, from, count) -> hashed[0] = ReplaceRun.hashMembers(
                validator.window(job.head, rows, count).request().rows(), target, members, hashes, hashed[0]));
        int count = hashed[0];
        SyncRequest head = job.head.request(List.of());
        boolean waited = false;
        while (true) {
            try {
                ReplaceRun run = replacements.open(job.destination, head, hashes, count, job.plan != null);
                job.snapshot = run.created() ? BatchResponse.SNAPSHOT_CREATED : BatchResponse.SNAPSHOT_UPDATED;
                job.removals = run.removals();
                return run;
            } catch (SnapshotBusyException e) {
                if (!waited) {
                    log.info("job {}: another replace of the same target is running; waiting for it",
                            job.spec.jobId());
                    waited = true;
                }
                if (!job.deadline.sleep(properties.progressInterval())) {
                    return null;
                }
            } catch (RuntimeException e) {
                log.error("job {}: the target's snapshot could not be read; no row is sent", job.spec.jobId(), e);
                job.vendorStop = RowError.of(ErrorCode.DESTINATION_UNAVAILABLE, "the snapshot of the target could "
                        + "not be read (the state store failed): nothing was sent; retry the job");
                return null;
            }
        }
    }

    /**
     * Sends a replace job's removals a window at a time, after its rows, and stores their outcomes by segment
     * ({@link JobStore#saveRemoved}); once the job's budget ended or the vendor stopped it, the rest fail unsent.
     */
    private void runRemovals(LocalJob job, ReplaceRun replace) {
        int size = properties.window();
        int total = replace.removals();
        for (int from = 0; from < total; from += size) {
            int count = Math.min(size, total - from);
            List<String> members = new ArrayList<>(count);
            for (int i = from; i < from + count; i++) {
                members.add(replace.removedMember(i));
            }
            RowResults results = new RowResults(members);
            RowError skip = skip(job);
            String what = "removals " + from + " to " + (from + count - 1);
            if (skip == null) {
                SyncRequest request = ReplaceRequests.mirror(job.head.request(List.of()),
                        replace.removalRows(from, from + count, 0));
                if (job.plan != null) {
                    DryRuns.plan(job.destination, request, results, job.plan, "dry run of job " + job.spec.jobId()
                            + " (" + what + ")");
                } else {
                    send(job, request, results, what, 0, replace);
                }
            }
            results.failUnset(skip != null ? skip : job.deadline.isExpired() ? job.deadline.expiredError()
                    : RowError.of(ErrorCode.DESTINATION_UNAVAILABLE, "no outcome was recorded for this removal"));
            int segment = job.spec.segmentSize();
            for (int s = 0; s * segment < count; s++) {
                int index = from / segment + s;
                List<RowResult> slice = results.slice(s * segment, Math.min(count, (s + 1) * segment));
                writes.run(job.spec.jobId(), () -> store.saveRemoved(job.spec.jobId(), index, slice));
            }
            synchronized (job) {
                job.removalsDone += count;
                job.removedConfirmed = job.plan != null ? job.removedConfirmed + results.count(RowStatus.PLANNED)
                        : replace.removedConfirmed();
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
            if (job.snapshotWriteFailed) {
                message = (message == null ? "" : message + "; ") + "the snapshot store failed while the job ran: "
                        + "the next replace of the target sends some of these changes again";
            }
            JobProgress end = job.withReplace(JobProgress.of(state, job.counts, job.startedAt == null ? now
                    : job.startedAt, now, now, message, job.planReport()));
            job.finished = true;
            job.end = end;
            job.body.delete();
            writes.run(job.spec.jobId(), () -> store.finish(job.spec.jobId(), end, properties.retention()));
            jobMetrics.finished(job.spec.destination(), state);
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
