package io.pushsync.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * A vendor call failed in a way that retrying can help: 429, 5xx, a timeout or a connection failure. The only
 * exception the vendor retries act on. Its message never contains a credential.
 */
public class TransientVendorException extends RuntimeException {

    /** Why the call failed; also the {@code reason} tag of {@code pushsync_vendor_retries_total}. */
    public enum Reason {
        RATE_LIMITED("429"), SERVER_ERROR("5xx"), IO_ERROR("io_error");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final Reason reason;
    private final int status;
    private final transient Duration retryAfter;

    public TransientVendorException(Reason reason, int status, Duration retryAfter, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** HTTP status, 0 for a timeout or connection failure. */
    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
