package io.pushsync.api;

/** The {@code type} URIs of pushsync's Problem Details. Stable: callers may switch on them. */
public final class ProblemTypes {

    private static final String BASE = "urn:pushsync:problem:";
    public static final String INVALID_REQUEST = BASE + "invalid-request";
    public static final String MALFORMED_JSON = BASE + "malformed-json";
    public static final String UNAUTHORIZED = BASE + "unauthorized";
    public static final String UNKNOWN_DESTINATION = BASE + "unknown-destination";
    public static final String NOT_FOUND = BASE + "not-found";
    public static final String BATCH_CONFLICT = BASE + "batch-conflict";
    /** A run's failed rows cannot be listed: a job still running, a batch no longer in the ledger. */
    public static final String ROWS_UNAVAILABLE = BASE + "rows-unavailable";
    public static final String BATCH_TOO_LARGE = BASE + "batch-too-large";
    public static final String BODY_TOO_LARGE = BASE + "body-too-large";
    public static final String BODY_READ_TIMEOUT = BASE + "body-read-timeout";
    public static final String UNSUPPORTED_MEDIA_TYPE = BASE + "unsupported-media-type";
    public static final String JOB_QUEUE_FULL = BASE + "job-queue-full";
    public static final String BATCH_MEMORY_FULL = BASE + "batch-memory-full";
    public static final String SHUTTING_DOWN = BASE + "shutting-down";
    public static final String JOB_SPOOL_UNAVAILABLE = BASE + "job-spool-unavailable";
    public static final String JOB_NOT_FINISHED = BASE + "job-not-finished";
    public static final String STATE_STORE_UNAVAILABLE = BASE + "state-store-unavailable";
    public static final String SNAPSHOT_BUSY = BASE + "snapshot-busy";

    private ProblemTypes() {
    }

    // ---- appended: the types of HTTP-level errors (no handler, wrong method, firewall, container error page)
    public static final String METHOD_NOT_ALLOWED = BASE + "method-not-allowed";
    public static final String NOT_ACCEPTABLE = BASE + "not-acceptable";
    public static final String REQUEST_REJECTED = BASE + "request-rejected";
    public static final String FORBIDDEN = BASE + "forbidden";
    public static final String SERVICE_UNAVAILABLE = BASE + "service-unavailable";
    public static final String INTERNAL_ERROR = BASE + "internal-error";

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
