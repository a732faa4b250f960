package io.pushsync.sync.jobs;

import java.time.Duration;

/**
 * A job submission this replica cannot take now: the queue is full (answered 429) or the replica is shutting down
 * (503). Both carry Retry-After; nothing was stored, so the same submission can simply be sent again.
 */
public class JobsBusyException extends RuntimeException {

    public enum Reason { QUEUE_FULL, SHUTTING_DOWN }

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
