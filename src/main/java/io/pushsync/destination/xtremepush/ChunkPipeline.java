package io.pushsync.destination.xtremepush;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.LogContext;
import io.pushsync.sync.RowResults;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The chunks of one batch, delivered by worker threads as the account's {@link ChunkLanes.Lane} admits them: the
 * batch's thread submits them in order and {@link #finish() waits} for the last one.
 *
 * <ul>
 *   <li>Each chunk is delivered (and, when rejected, isolated) by one worker, sequentially within the chunk.</li>
 *   <li>A chunk not yet admitted when the budget ends (deadline, cancel) is not sent: its rows fail with the
 *       budget's error.</li>
 *   <li>A stop ({@link RowResults#stop}, declared by a chunk's {@link RowIsolation}) ends the submitting: chunks in
 *       flight finish with their real outcomes, a chunk not yet sent is not sent, and its rows are left for the
 *       stop's error.</li>
 *   <li>An exception in a worker also ends the submitting; {@link #finish()} throws it on the batch's thread once
 *       the chunks in flight are done, where it is handled as if the chunks had been delivered there.</li>
 * </ul>
 */
final class ChunkPipeline {

    private final ChunkLanes.Lane lane;
    private final Executor workers;
    private final Deadline deadline;
    private final RowResults results;
    private final IntConsumer delivered;
    private final LogContext logContext = LogContext.capture();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int running;

    ChunkPipeline(ChunkLanes.Lane lane, Executor workers, Deadline deadline, RowResults results,
            IntConsumer delivered) {
        this.lane = lane;
        this.workers = workers;
        this.deadline = deadline;
        this.results = results;
        this.delivered = delivered;
    }

    /**
     * Waits until the lane admits the chunk and hands it to a worker. Returns false once the batch has stopped:
     * nothing more should be submitted.
     *
     * @param identifiers the chunk's profile identifiers: no other chunk holding one of them is in flight with it
     */
    <T> boolean submit(RowIsolation<T> delivery, List<T> chunk, Collection<String> identifiers) {
        boolean admitted;
        try {
            admitted = lane.enter(identifiers, deadline, this::stopped);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a chunk waited for its turn", e);
        }
        if (!admitted) {
            if (stopped()) {
                return false;
            }
            // the budget ended: delivering now sends nothing and fails the rows with the budget's error
            delivered.accept(delivery.deliver(chunk));
            return true;
        }
        synchronized (this) {
            running++;
        }
        try {
            workers.execute(() -> logContext.run(() -> work(delivery, chunk, identifiers)));
        } catch (RuntimeException e) {
            end(identifiers);
            throw e;
        }
        return true;
    }

    /** Waits for the chunks in flight, then throws what a worker threw, if one did. */
    void finish() {
        boolean interrupted = false;
        synchronized (this) {
            while (running > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the chunks in flight still record their rows' outcomes: wait for them
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable thrown = failure.get();
        if (thrown instanceof RuntimeException r) {
            throw r;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
    }

    /** Whether the batch has stopped (or a worker failed unexpectedly): no new chunk goes out. */
    boolean stopped() {
        return results.isStopped() || failure.get() != null;
    }

    private <T> void work(RowIsolation<T> delivery, List<T> chunk, Collection<String> identifiers) {
        try {
            if (!stopped()) { // a chunk waiting for a worker when another one stopped the batch is not sent
                delivered.accept(delivery.deliver(chunk));
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e); // before leaving the lane: a submit woken by the leave must see it
            // (a stop is recorded in the results by the delivery, before the leave too)
        } finally {
            end(identifiers);
        }
    }

    private void end(Collection<String> identifiers) {
        lane.leave(identifiers);
        synchronized (this) {
            running--;
            notifyAll();
        }
    }
}
