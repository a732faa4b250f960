package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Why a row failed or was skipped. {@code field} names the offending field where there is one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RowError(String code, String field, String message, boolean retryable) {

    public static RowError of(ErrorCode code, String field, String message) {
        return new RowError(code.code(), field, message, code.retryable());
    }

    public static RowError of(ErrorCode code, String message) {
        return of(code, null, message);
    }
}
