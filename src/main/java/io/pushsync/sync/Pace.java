package io.pushsync.sync;

/**
 * How fast a destination sends, as its adapter is configured ({@link Destination#pace()}). Callers that plan their
 * own sending by it (Census' {@code get_sync_speed}) derive their numbers from it alone.
 *
 * @param rowsPerRequest rows one vendor request carries (a chunk's size; 1 when every row is a request of its own)
 * @param concurrency vendor requests one batch has in flight at once
 * @param chunksInFlight vendor requests one account has in flight at once across all its batches in this replica;
 *     null when the adapter has no such bound
 * @param requestsPerSecond vendor requests per second one account is allowed (its rate limiter's configured
 *     {@code limit-for-period} per {@code limit-refresh-period}, before any 429 slows it down)
 */
public record Pace(int rowsPerRequest, int concurrency, Integer chunksInFlight, double requestsPerSecond) {

    /** One row per request, one request at a time, one per second: the pace of an adapter that declares none. */
    public static final Pace ONE_AT_A_TIME = new Pace(1, 1, null, 1.0);

    public Pace {
        if (rowsPerRequest < 1 || concurrency < 1 || (chunksInFlight != null && chunksInFlight < 1)) {
            throw new IllegalArgumentException("rowsPerRequest, concurrency and chunksInFlight must be at least 1, "
                    + "were " + rowsPerRequest + ", " + concurrency + ", " + chunksInFlight);
        }
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond must be positive and finite, was "
                    + requestsPerSecond);
        }
    }
}
