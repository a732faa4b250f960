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

    // ---- appended: the types of HTTP-level errors (no handler, wrong method, firewall, container error page)
    static final String METHOD_NOT_ALLOWED = BASE + "method-not-allowed";
    static final String NOT_ACCEPTABLE = BASE + "not-acceptable";
    static final String REQUEST_REJECTED = BASE + "request-rejected";
    static final String FORBIDDEN = BASE + "forbidden";
    static final String SERVICE_UNAVAILABLE = BASE + "service-unavailable";
    static final String INTERNAL_ERROR = BASE + "internal-error";

    /** The pushsync type of an HTTP-level error that has none of its own; a 4xx not listed is an invalid request. */
    static String forStatus(int status) {
        return switch (status) {
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 413 -> BODY_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 503 -> SERVICE_UNAVAILABLE;
            default -> status >= 400 && status < 500 ? INVALID_REQUEST : INTERNAL_ERROR;
        };
    }
}
