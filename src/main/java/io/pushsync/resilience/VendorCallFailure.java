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
        DEADLINE
    }

    private final Kind kind;

    public VendorCallFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The row error of a row this call was for: every kind is retryable. */
    public RowError toRowError() {
        ErrorCode code = switch (kind) {
            case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
            case UNAVAILABLE -> ErrorCode.DESTINATION_UNAVAILABLE;
            case DEADLINE -> ErrorCode.DEADLINE_EXCEEDED;
        };
        return RowError.of(code, getMessage());
    }
}
