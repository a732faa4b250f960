package io.pushsync.sync.jobs;

import java.time.Duration;

/**
 * A job submission this replica cannot take now: the queue is full (answered 429), the replica is shutting down
 * (503) or cannot write the body to its spool directory, e.g. a full disk (503). All carry Retry-After; nothing was
 * stored, so the same submission can simply be sent again.
 */
public class JobsBusyException extends RuntimeException {

    public enum Reason { QUEUE_FULL, SHUTTING_DOWN, SPOOL_UNAVAILABLE }

    private final Reason reason;
    private final Duration retryAfter;

    public JobsBusyException(Reason reason, Duration retryAfter, String message) {
        super(message);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
