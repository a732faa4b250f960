package io.pushsync.sync.jobs;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.Plan;
import io.pushsync.sync.intake.RequestHead;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A job of this replica: what it needs in memory (the connection with its secrets never leaves here). Its rows
 * are in its spooled body; of its results it holds the current window's and counts of the others.
 */
final class LocalJob {

    /** The rows of a job being sent: their results, and which of the window's segments are stored. */
    record Window(int from, RowResults results, boolean[] flushed) {
    }

    final JobSpec spec;
    final Destination destination;
    final RequestHead head;
    final SpooledBody body;
    final Runnable task;
    /** A dry run's plan, over all its windows; null for a job that sends. */
    final Plan plan;
    private final Duration budget;
    private final Clock clock;
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
    /** Replace jobs: {@code created} or {@code updated} once the audience was compared with the snapshot. */
    volatile String snapshot;
    /** Replace jobs: the removals to send, their outcomes stored so far, and those the vendor took. */
    volatile Integer removals;
    volatile int removalsDone;
    volatile int removedConfirmed;
    /** A replace job could not store some of the vendor's answers in the snapshot. */
    volatile boolean snapshotWriteFailed;
    /** The job has logged that it waited for room in memory ({@code max-rows-in-memory}); logged once. */
    boolean toldOfWaitForRoom;
    /** What the running job waits for now (room in memory, {@link WindowRoom}), in its status' message; or null. */
    volatile String waitingFor;

    /** {@code run} runs the job on an executor's thread ({@link #task}); {@code budget} is its deadline. */
    LocalJob(JobSpec spec, Destination destination, RequestHead head, SpooledBody body, Duration budget,
            Clock clock, Consumer<LocalJob> run, int maxPlanBodies) {
        this.spec = spec;
        this.plan = spec.dryRun() ? new Plan(maxPlanBodies) : null;
        this.destination = destination;
        this.head = head;
        this.body = body;
        this.budget = budget;
        this.clock = clock;
        this.task = () -> run.accept(this);
    }

    /** Starts the budget; false when the job was stopped before it started (then nothing is sent). */
    synchronized boolean start(Instant now) {
        if (started) {
            return false;
        }
        started = true;
        startedAt = now;
        deadline = Deadline.after(budget, clock);
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
        return withReplace(JobProgress.of(JobState.RUNNING, live, startedAt, null, now, waitingFor, planReport()));
    }

    /** The dry run's plan so far; null for a job that sends. */
    Plan.Report planReport() {
        return plan == null ? null : plan.report();
    }

    /** The progress with the replace job's snapshot and removals, when it is one and has compared. */
    JobProgress withReplace(JobProgress progress) {
        return snapshot == null ? progress : progress.withReplace(snapshot, removals, removedConfirmed);
    }
}
