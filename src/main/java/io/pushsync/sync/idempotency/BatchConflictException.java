package io.pushsync.sync.idempotency;

/** The idempotency key is taken by a different payload or by a batch still running (answered 409). */
public class BatchConflictException extends RuntimeException {

    public BatchConflictException(String message) {
        super(message);
    }
}
