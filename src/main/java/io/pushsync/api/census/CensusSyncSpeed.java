package io.pushsync.api.census;

import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.Pace;
import io.pushsync.sync.connections.NamedConnection;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code get_sync_speed}: how fast Census may send, from the {@link Pace} the connection's destination declares
 * ({@link io.pushsync.sync.Destination#pace()}) and {@code pushsync.batch.max-rows}. The {@code sync_plan} in the
 * params (if any) does not change it. Census keeps to it per sync only: pushsync's own rate limiter stays the guard.
 */
final class CensusSyncSpeed {

    /** Records per {@code sync_batch} for a destination that sends one row per request. */
    static final int CENSUS_ROWS_WITHOUT_CHUNKS = 100;

    private final DestinationRegistry registry;
    private final int maxRows;

    /** @param maxRows {@code pushsync.batch.max-rows} */
    CensusSyncSpeed(DestinationRegistry registry, int maxRows) {
        this.registry = registry;
        this.maxRows = maxRows;
    }

    ObjectNode syncSpeed(NamedConnection connection) {
        return syncSpeed(registry.get(connection.type()).pace());
    }

    /**
     * With rows per vendor request {@code R} = {@link Pace#rowsPerRequest()}, requests in flight per batch {@code C} =
     * {@link Pace#concurrency()} and the account's rate {@code L / T} = {@link Pace#requestsPerSecond()}:
     * {@code maximum_batch_size} = min(pushsync.batch.max-rows, R > 1 ? R : 100); {@code maximum_records_per_second}
     * = floor(R * L / T), at least 1; {@code maximum_parallel_batches} = ceil((L / T) / C), at least 1, and at most
     * {@link Pace#chunksInFlight()} when the destination has it (chunks of one account in flight at once).
     */
    ObjectNode syncSpeed(Pace pace) {
        int rowsPerRequest = pace.rowsPerRequest();
        double requestsPerSecond = pace.requestsPerSecond();
        int batchSize = Math.min(maxRows, rowsPerRequest > 1 ? rowsPerRequest : CENSUS_ROWS_WITHOUT_CHUNKS);
        long recordsPerSecond = Math.max(1, (long) Math.floor(rowsPerRequest * requestsPerSecond));
        long parallel = Math.max(1, (long) Math.ceil(requestsPerSecond / pace.concurrency()));
        Integer inFlight = pace.chunksInFlight();
        if (inFlight != null) {
            // the account's lane admits this many chunks at once: more batches would only wait in this replica
            parallel = Math.min(parallel, inFlight);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("maximum_batch_size", batchSize);
        result.put("maximum_parallel_batches", parallel);
        result.put("maximum_records_per_second", recordsPerSecond);
        return result;
    }
}
