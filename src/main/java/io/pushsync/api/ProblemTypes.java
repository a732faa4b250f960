package io.pushsync.api;

/** The {@code type} URIs of pushsync's Problem Details. Stable: callers may switch on them. */
final class ProblemTypes {

    private static final String BASE = "urn:pushsync:problem:";
    static final String INVALID_REQUEST = BASE + "invalid-request";
    static final String MALFORMED_JSON = BASE + "malformed-json";
    static final String UNAUTHORIZED = BASE + "unauthorized";
    static final String UNKNOWN_DESTINATION = BASE + "unknown-destination";
    static final String NOT_FOUND = BASE + "not-found";
    static final String BATCH_CONFLICT = BASE + "batch-conflict";
    static final String BATCH_TOO_LARGE = BASE + "batch-too-large";
    static final String BODY_TOO_LARGE = BASE + "body-too-large";
    static final String UNSUPPORTED_MEDIA_TYPE = BASE + "unsupported-media-type";
    static final String JOB_QUEUE_FULL = BASE + "job-queue-full";
    static final String SHUTTING_DOWN = BASE + "shutting-down";
    static final String JOB_SPOOL_UNAVAILABLE = BASE + "job-spool-unavailable";
    static final String JOB_NOT_FINISHED = BASE + "job-not-finished";
    static final String STATE_STORE_UNAVAILABLE = BASE + "state-store-unavailable";

    private ProblemTypes() {
    }
}
