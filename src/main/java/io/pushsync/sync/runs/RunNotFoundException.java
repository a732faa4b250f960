package io.pushsync.sync.runs;

/** No such run among the recent runs (answered 404). */
public class RunNotFoundException extends RuntimeException {
    public RunNotFoundException(String message) {
        super(message, null, false, false);
    }
}
