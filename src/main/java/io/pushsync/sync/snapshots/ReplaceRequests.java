package io.pushsync.sync.snapshots;

import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import java.util.List;

/** The requests a replace run hands the adapter. */
public final class ReplaceRequests {

    /** The adapter is sent a replace's additions and removals as {@code mirror} rows (added / removed). */
    public static final String SENT_AS = "mirror";

    private ReplaceRequests() {
    }

    /** {@code request} with these rows, as a {@code mirror} request. */
    public static SyncRequest mirror(SyncRequest request, List<SyncRow> rows) {
        return new SyncRequest(request.destination(), request.syncId(), request.batchId(), request.connection(),
                request.objectType(), SENT_AS, request.options(), rows);
    }
}
