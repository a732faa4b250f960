package io.pushsync.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The results of one batch, one slot per input row, filled as outcomes become final (from any thread). The first
 * outcome of a row wins, so "fail every unconfirmed row" after a stop never overwrites a confirmed one.
 * {@link #done()} is the progress of the batch.
 *
 * <p>An adapter says that the vendor stopped the batch with {@link #stop(RowError)}: the first stop wins, the core
 * fails every row still without an outcome with it when the batch ends ({@link AdapterRun}), and it stays readable
 * afterwards ({@link #stopped()}), so a job stops its later windows on it.
 */
public final class RowResults {

    private final List<String> ids;
    private final AtomicReferenceArray<RowResult> slots;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger[] byStatus = new AtomicInteger[RowStatus.values().length];
    private final AtomicReference<RowError> stop = new AtomicReference<>();

    public RowResults(List<String> ids) {
        this.ids = List.copyOf(ids);
        this.slots = new AtomicReferenceArray<>(ids.size());
        for (int i = 0; i < byStatus.length; i++) {
            byStatus[i] = new AtomicInteger();
        }
    }

    /** Rows that ended with {@code status} so far. */
    public int count(RowStatus status) {
        return byStatus[status.ordinal()].get();
    }

    /** The outcome of one row, or null while it has none. */
    public RowResult get(int index) {
        return slots.get(index);
    }

    /** Whether every row in {@code [from, to)} has its outcome. */
    public boolean allSet(int from, int to) {
        for (int i = from; i < to; i++) {
            if (slots.get(i) == null) {
                return false;
            }
        }
        return true;
    }

    /** The outcomes of rows {@code [from, to)} in input order (null where a row has none yet). */
    public List<RowResult> slice(int from, int to) {
        List<RowResult> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(slots.get(i));
        }
        return out;
    }

    public int total() {
        return ids.size();
    }

    public int done() {
        return done.get();
    }

    public boolean succeeded(int index) {
        return set(index, RowResult.succeeded(ids.get(index)));
    }

    public boolean accepted(int index, String taskId) {
        return set(index, RowResult.accepted(ids.get(index), taskId));
    }

    public boolean failed(int index, RowError error) {
        return set(index, RowResult.failed(ids.get(index), error));
    }

    public boolean skipped(int index, RowError error) {
        return set(index, RowResult.skipped(ids.get(index), error));
    }

    /** A dry run's row that the real run would send: {@code action} says what its request would do. */
    public boolean planned(int index, RowAction action) {
        return set(index, RowResult.planned(ids.get(index), action));
    }

    /** Fails every row that has no outcome yet; returns how many it failed. */
    public int failUnset(RowError error) {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (failed(i, error)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The vendor stopped the batch: no further row of it can succeed (credentials refused, the list or channel
     * unknown, an endpoint that refuses every request). Nothing more should be sent; rows already with an outcome
     * keep it, every other row fails with {@code error} when the batch ends. The first stop wins.
     *
     * @return whether this call was the first stop
     */
    public boolean stop(RowError error) {
        return stop.compareAndSet(null, Objects.requireNonNull(error, "error"));
    }

    /** The stop an adapter declared ({@link #stop}), if any. */
    public Optional<RowError> stopped() {
        return Optional.ofNullable(stop.get());
    }

    /** Whether an adapter declared a stop: nothing more of the batch should be sent. */
    public boolean isStopped() {
        return stop.get() != null;
    }

    /** A snapshot in input order; rows without an outcome yet are {@code null}. */
    public List<RowResult> snapshot() {
        return slice(0, slots.length());
    }

    private boolean set(int index, RowResult result) {
        if (slots.compareAndSet(index, null, result)) {
            byStatus[result.status().ordinal()].incrementAndGet();
            done.incrementAndGet();
            return true;
        }
        return false;
    }
}
