package io.pushsync.sync.jobs;

/** A results page asked with a bad {@code offset} or {@code limit} (answered 400). */
public class InvalidPageException extends RuntimeException {

    public InvalidPageException(String message) {
        super(message);
    }
}
