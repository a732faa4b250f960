package io.pushsync.sync.jobs;

import io.pushsync.sync.Deadline;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows the running jobs of this replica may hold in their windows at once
 * ({@code pushsync.jobs.max-rows-in-memory}). A job takes room for a window before it reads it and gives it back
 * once the window's results are stored, so the heap is bounded by rows, not by the number of running jobs: many
 * jobs can run (most of them waiting for their accounts' rate limits) while their windows together stay within the
 * bound. Room is given first come, first served; a window larger than the whole room takes all of it.
 *
 * <p>A job that asks for a window may be given less: when the first in line finds less room free than its window
 * but at least its smallest part (half a window, in whole segments), it takes what is free in whole segments and
 * reads a shorter window. Room held by jobs paced by their vendor (a CleverPush job holds its window for rows / 20
 * seconds) then leaves the rest usable instead of idle until a whole window fits.
 */
final class WindowRoom {

    private static final Logger log = LoggerFactory.getLogger(WindowRoom.class);

    /** How often a job waiting for room looks at its budget (a cancel stops it without notice). */
    private static final long POLL_MILLIS = 100;

    private final int rows;
    /** The jobs waiting for room, in the order they asked; only the first may take it. */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private int free;

    /** Room for {@code rows} rows, at least 1 ({@link JobProperties} checks {@code max-rows-in-memory}). */
    WindowRoom(int rows) {
        this.rows = rows;
        this.free = rows;
    }

    /**
     * Waits for room for {@code count} rows, behind every job that asked before. Once the budget has ended (deadline,
     * cancel, shutdown) it waits no more and takes none: such a window's rows are only failed, without a vendor
     * call, and dropped at once.
     */
    synchronized Taken take(int count, Deadline deadline) {
        return take(count, count, count, deadline, () -> { });
    }

    /**
     * As {@link #take(int, Deadline)}, but content with less: {@code least} rows or more, in multiples of
     * {@code unit} ({@code least} a multiple of it); {@link Taken#rows()} says how many to read.
     */
    synchronized Taken take(int count, int unit, int least, Deadline deadline) {
        return take(count, unit, least, deadline, () -> { });
    }

    /** As {@link #take(int, int, int, Deadline)}; {@code waits} runs once, before the first wait, if there is one. */
    private synchronized Taken take(int count, int unit, int least, Deadline deadline, Runnable waits) {
        int wanted = Math.min(Math.max(count, 1), rows);
        int smallest = Math.max(1, Math.min(least, wanted));
        Object me = new Object();
        waiting.addLast(me);
        boolean waited = false;
        try {
            while (!deadline.isExpired()) {
                if (waiting.peekFirst() == me && free >= smallest) {
                    int granted = free >= wanted ? wanted : free / unit * unit;
                    if (granted >= smallest) {
                        free -= granted;
                        return new Taken(granted == wanted ? count : granted, () -> give(granted));
                    }
                }
                if (!waited) {
                    waited = true;
                    waits.run();
                }
                wait(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.remove(me);
            notifyAll(); // the next in line may go now
        }
        return new Taken(count, () -> { });
    }

    private synchronized void give(int count) {
        free += count;
        notifyAll();
    }

    /**
     * Room for a window of up to {@code count} rows of {@code job}, within its budget ({@link #take(int, Deadline)}):
     * at least half of it in whole segments of the job ({@link Taken#rows()} says how many were given); while it
     * waits, the job's status says so ({@link LocalJob#waitingFor}); its first wait of a second or more is logged.
     */
    Taken take(LocalJob job, int count) {
        int unit = job.spec.segmentSize();
        int least = Math.max(unit, count / 2 / unit * unit);
        long started = System.nanoTime();
        Taken taken;
        try {
            taken = take(count, unit, least, job.deadline, () -> job.waitingFor = "waiting for room in memory to "
                    + "read its next " + count + " rows: the running jobs' windows hold "
                    + "pushsync.jobs.max-rows-in-memory (" + rows + " rows) on this replica");
        } finally {
            job.waitingFor = null;
        }
        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        if (waitedMs >= 1000 && !job.toldOfWaitForRoom) {
            job.toldOfWaitForRoom = true;
            log.info("job {} waited {} ms for room to read its next {} rows: the running jobs' windows held "
                    + "pushsync.jobs.max-rows-in-memory ({} rows); further waits of this job are not logged",
                    job.spec.jobId(), waitedMs, count, rows);
        }
        return taken;
    }

    /** Rows held now. */
    synchronized int held() {
        return rows - free;
    }

    /**
     * Room held for one window of {@code rows} rows (what the job reads: all it asked for, unless it was given less);
     * {@link #close} gives it back. A job whose budget ended holds none and reads all it asked for, to fail them.
     */
    record Taken(int rows, Runnable giveBack) implements AutoCloseable {
        @Override
        public void close() {
            giveBack.run();
        }
    }
}
