package io.pushsync.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The time budget of one batch or job. A job's budget can also be <em>stopped</em> early (cancelled by the caller,
 * or interrupted by a shutdown): from then on it reads as expired, so adapters send nothing new, and
 * {@link #expiredError()} says why.
 */
public final class Deadline {

    private final Clock clock;
    private final Instant expiresAt;
    private final AtomicReference<RowError> stoppedBy = new AtomicReference<>();

    private Deadline(Clock clock, Instant expiresAt) {
        this.clock = clock;
        this.expiresAt = expiresAt;
    }

    public static Deadline after(Duration budget, Clock clock) {
        return new Deadline(clock, clock.instant().plus(budget));
    }

    public static Deadline after(Duration budget) {
        return after(budget, Clock.systemUTC());
    }

    public Duration remaining() {
        if (stoppedBy.get() != null) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(clock.instant(), expiresAt);
        return d.isNegative() ? Duration.ZERO : d;
    }

    public boolean isExpired() {
        return remaining().isZero();
    }

    /**
     * Ends the budget now; rows not sent yet fail with {@code reason}. Calls already on the wire are not cut: their
     * answers still count. The first stop wins; returns whether this one did.
     */
    public boolean stop(RowError reason) {
        return stoppedBy.compareAndSet(null, reason);
    }

    /**
     * Waits up to {@code pause} (less when the budget ends sooner), in steps short enough to notice a stop soon.
     *
     * @return whether the budget is still open afterwards
     */
    public boolean sleep(Duration pause) {
        long until = System.nanoTime() + Math.min(pause.toNanos(), remaining().toNanos());
        try {
            for (long left = until - System.nanoTime(); left > 0 && !isExpired(); left = until - System.nanoTime()) {
                Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !isExpired();
    }

    /** Whether {@link #stop} was called. */
    public boolean isStopped() {
        return stoppedBy.get() != null;
    }

    /** The error of a row that was not sent because the budget ended: the stop's reason, or the deadline. */
    public RowError expiredError() {
        RowError stop = stoppedBy.get();
        return stop != null ? stop
                : RowError.of(ErrorCode.DEADLINE_EXCEEDED, "the batch's time budget ran out before this row was sent");
    }

    @Override
    public String toString() {
        return "Deadline[" + expiresAt + (stoppedBy.get() != null ? ", stopped" : "") + "]";
    }
}
