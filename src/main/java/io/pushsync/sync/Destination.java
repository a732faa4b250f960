package io.pushsync.sync;

import io.pushsync.sync.catalog.DestinationDescriptor;

/**
 * The SPI of a vendor adapter. An adapter is a Spring bean implementing this interface; the core collects all of
 * them into the {@link DestinationRegistry} and never names one.
 *
 * <p>The core has already validated the request against {@link #descriptor()} (object type, mode, options,
 * {@code change}, connection fields, required fields) before {@link #sync} is called.
 */
public interface Destination {

    /** The path segment of this destination, e.g. {@code xtremepush}. */
    default String type() {
        return descriptor().type();
    }

    DestinationDescriptor descriptor();

    ConnectionCheckResult checkConnection(Connection connection, Deadline deadline);

    /**
     * Sends the request's rows and records one outcome per row in {@code results} (by {@link SyncRow#index()}).
     * Blocks until every row has an outcome or the deadline passed; rows left without one are failed by the core.
     */
    void sync(SyncRequest request, Deadline deadline, RowResults results);
}
