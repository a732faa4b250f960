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

    /**
     * How fast this adapter sends, from its own configuration: rows per vendor request, requests in flight per batch
     * and per account, and the account's rate limit. Read whenever a caller asks (Census' {@code get_sync_speed});
     * it sends nothing. An adapter that declares none sends one row per request, one request at a time, one per
     * second ({@link Pace#ONE_AT_A_TIME}).
     */
    default Pace pace() {
        return Pace.ONE_AT_A_TIME;
    }

    /**
     * The vendor account a connection writes to, as a name that holds no credential (a digest): the snapshots of
     * {@code mode: "replace"} are kept per account and target. Only object types that support replace need it.
     */
    default String account(Connection connection) {
        throw new UnsupportedOperationException(type() + " keeps no snapshots");
    }

    /**
     * The member a {@code mode: "replace"} row names (its {@link io.pushsync.sync.catalog.ReplaceTarget#memberField}
     * value) as the vendor knows it, so that one member written two ways is one member of the snapshot; null when
     * the value names no member. By default the text of a string or an integer, trimmed.
     */
    default String replaceMember(String objectType, tools.jackson.databind.JsonNode value) {
        if (value == null || !(value.isString() || value.isIntegralNumber())) {
            return null;
        }
        String s = value.asString().trim();
        return s.isEmpty() ? null : s;
    }

    ConnectionCheckResult checkConnection(Connection connection, Deadline deadline);

    /**
     * Sends the request's rows and records one outcome per row in {@code results} (by {@link SyncRow#index()}).
     * Blocks until every row has an outcome or the deadline passed; rows left without one are failed by the core.
     */
    void sync(SyncRequest request, Deadline deadline, RowResults results);

    /**
     * A dry run of {@link #sync}: runs the same normalisation and grouping, sends nothing and reads nothing from the
     * vendor. Records one outcome per row in {@code results}: {@link RowResults#planned} with the action of the
     * request the row would go in, or the failure or skip the real run would give it without asking the vendor.
     * Counts in {@code plan} every vendor request the real run would make ({@link Plan#request}, bodies with
     * secrets redacted), and names with {@link Plan#notChecked} the row errors that only a vendor read could find.
     * Rows left without an outcome fail. An adapter that does not plan fails every row of a dry run.
     */
    default void plan(SyncRequest request, RowResults results, Plan plan) {
        throw new UnsupportedOperationException("destination " + type() + " does not plan dry runs");
    }
}
