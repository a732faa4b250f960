package io.pushsync.sync.intake;

/** The body was empty. */
public final class MissingBodyException extends RuntimeException {
    MissingBodyException() {
        super("the request body is missing", null, false, false);
    }
}
