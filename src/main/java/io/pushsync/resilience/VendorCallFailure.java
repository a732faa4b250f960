package io.pushsync.resilience;

import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;

/** A vendor call that ended without a usable answer; the row error follows from {@link #kind()}. */
public final class VendorCallFailure extends RuntimeException {

    public enum Kind {
        /** still 429 after the retry budget, or the local rate limit did not grant a request in time */
        RATE_LIMITED,
        /** 5xx, timeout or connection failure after the retry budget */
        UNAVAILABLE,
        /** the batch's time budget ran out */
        DEADLINE,
        /** the job was stopped (cancelled or interrupted) before this call was sent */
        STOPPED
    }

    private final Kind kind;
    private final RowError stopReason;
    private final boolean waitBeyondBudget;

    public VendorCallFailure(Kind kind, String message) {
        this(kind, message, null, false);
    }

    private VendorCallFailure(Kind kind, String message, RowError stopReason, boolean waitBeyondBudget) {
        super(message, null, false, false);
        this.kind = kind;
        this.stopReason = stopReason;
        this.waitBeyondBudget = waitBeyondBudget;
    }

    /** The vendor asked to wait ({@code Retry-After}) longer than the batch has left. */
    public static VendorCallFailure waitBeyondBudget(Kind kind, String message) {
        return new VendorCallFailure(kind, message, null, true);
    }

    /**
     * True when the vendor asked to wait longer than the batch has left: no other call of this account can succeed
     * in this batch either.
     */
    public boolean waitsBeyondBudget() {
        return waitBeyondBudget;
    }

    /** The call was not (re)sent because the budget ended: the row fails with {@code reason}. */
    public static VendorCallFailure notSent(RowError reason) {
        boolean deadline = ErrorCode.DEADLINE_EXCEEDED.code().equals(reason.code());
        return new VendorCallFailure(deadline ? Kind.DEADLINE : Kind.STOPPED, reason.message(), reason, false);
    }

    public Kind kind() {
        return kind;
    }

    /** The row error of a row this call was for: every kind is retryable. */
    public RowError toRowError() {
        if (stopReason != null) {
            return stopReason;
        }
        ErrorCode code = switch (kind) {
            case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
            case UNAVAILABLE -> ErrorCode.DESTINATION_UNAVAILABLE;
            case DEADLINE -> ErrorCode.DEADLINE_EXCEEDED;
            case STOPPED -> ErrorCode.CANCELLED;
        };
        return RowError.of(code, getMessage());
    }
}
