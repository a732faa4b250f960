package io.pushsync.sync.intake;

import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import java.util.List;
import io.pushsync.sync.Connection;
import io.pushsync.sync.SyncOptions;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;

/**
 * Everything of a validated batch or job request but its rows: what a request for the adapter is built around when
 * the rows come a window at a time ({@link BatchValidator#window}).
 *
 * @param destination the destination type
 * @param rowCount how many rows the request has
 * @param dryRun {@code "dryRun": true}: plan the rows, send nothing
 */
public record RequestHead(
        String destination,
        String syncId,
        String batchId,
        Connection connection,
        ObjectTypeDescriptor objectType,
        String mode,
        SyncOptions options,
        int rowCount,
        boolean dryRun) {

    /** This head for a request of {@code rows} rows. */
    public RequestHead withRowCount(int rows) {
        return new RequestHead(destination, syncId, batchId, connection, objectType, mode, options, rows, dryRun);
    }

    /** The request for the adapter with these rows. */
    public SyncRequest request(List<SyncRow> rows) {
        return new SyncRequest(destination, syncId, batchId, connection, objectType.name(), mode, options, rows);
    }
}
