package io.pushsync.sync.runs;

import io.pushsync.sync.RowResult;

/** A failed row: its id and its error (code, field where there is one, message, whether a resend may succeed). */
public record FailedRow(String id, String code, String field, String message, boolean retryable) {

    static FailedRow of(RowResult r) {
        return new FailedRow(r.id(), r.error() == null ? null : r.error().code(),
                r.error() == null ? null : r.error().field(), r.error() == null ? null : r.error().message(),
                r.error() != null && r.error().retryable());
    }
}
