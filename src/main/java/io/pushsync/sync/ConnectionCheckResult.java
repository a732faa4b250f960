package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Answer of a connection check: {@code {"ok": true}} or {@code {"ok": false, "error": {code, message}}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionCheckResult(boolean ok, CheckError error) {

    public record CheckError(String code, String message) {
    }

    public static ConnectionCheckResult success() {
        return new ConnectionCheckResult(true, null);
    }

    public static ConnectionCheckResult failure(RowError error) {
        return new ConnectionCheckResult(false, new CheckError(error.code(), error.message()));
    }

    public static ConnectionCheckResult failure(ErrorCode code, String message) {
        return new ConnectionCheckResult(false, new CheckError(code.code(), message));
    }
}
