package io.pushsync.testsupport;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A destination that confirms one row every {@code millisPerRow} and, like the real adapters, sends nothing once the
 * budget has ended (or its thread is interrupted); {@link #sent} counts the rows it sent.
 */
public final class PacedDestination extends ThingsDestination {

    public final AtomicInteger sent = new AtomicInteger();
    private final long millisPerRow;

    public PacedDestination(String type, long millisPerRow) {
        super(type);
        this.millisPerRow = millisPerRow;
    }

    @Override
    public void sync(SyncRequest request, Deadline deadline, RowResults results) {
        for (SyncRow row : request.rows()) {
            if (deadline.isExpired()) {
                return;
            }
            sent.incrementAndGet();
            try {
                Thread.sleep(millisPerRow);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            results.succeeded(row.index());
        }
    }
}
