package io.pushsync.sync;

import java.util.List;
import java.util.Map;

/**
 * A validated batch: the request for the adapter, the id of every input row (in order) and the rows the core
 * already failed, by index; {@code dryRun}: the request asked for a plan only ({@link Destination#plan}).
 */
public record PreparedBatch(SyncRequest request, List<String> ids, Map<Integer, RowError> rowFailures,
        boolean dryRun) {
}
