package io.pushsync.sync;

import java.util.List;

/**
 * What an adapter gets: a validated batch. {@code rows} holds the rows that passed the core's checks; rows the
 * core already failed are not in it, but keep their index so results stay in input order.
 */
public record SyncRequest(
        String destination,
        String syncId,
        String batchId,
        Connection connection,
        String objectType,
        String mode,
        SyncOptions options,
        List<SyncRow> rows) {
}
