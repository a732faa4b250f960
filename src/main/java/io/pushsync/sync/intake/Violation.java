package io.pushsync.sync.intake;

/** One reason a request is invalid: a JSON Pointer into the request body and what is wrong there. */
public record Violation(String pointer, String message) {
}
