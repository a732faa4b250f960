package io.pushsync.destination.cleverpush;

import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.SyncRow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which vendor calls a batch's rows become. Pure: it sends nothing and records nothing.
 *
 * <ul>
 *   <li>{@code tags}: one {@code tag_add} per tag, or one {@code tag_remove} per tag for a removal;</li>
 *   <li>{@code subscriptions}: one {@code unsubscribe} for a removal, else one {@code subscription_sync} (the only
 *       call with the channel in its path).</li>
 * </ul>
 *
 * <p>A row's {@code subscription_id} is read once, here ({@link #subscriptionId}), and handed to the row mapping
 * ({@link CleverPushRows}). A row that cannot be sent plans no call and carries its error instead: a bad
 * {@code subscription_id}, a mapping failure or skip, or a tag or custom attribute the channel lacks
 * ({@link ChannelCatalog}).
 */
final class CleverPushCalls {

    /**
     * One vendor call of a row; {@code tag} is set for tag calls, {@code sync} for a subscription sync.
     * {@code subscriptionId} is the row's value; {@code resolve} says it is a user id to look up; {@code body} is
     * built when the call is sent, from the native id (null: none, a subscription sync then creates or matches by
     * {@code user_id}).
     */
    record Call(int rowIndex, String tag, String operation, String path, String subscriptionId, boolean resolve,
            Function<String, ObjectNode> body, boolean sync) {
    }

    private final CleverPushRows rows;
    private final int maxTagsPerRow;
    private final boolean tags;
    private final String mode;
    private final String channelId;
    private final boolean byUserId;
    private final ChannelCatalog catalog;

    /**
     * @param objectType {@code tags} or {@code subscriptions}
     * @param byUserId   {@code subscription_id} holds a user id, resolved to the native id when a call is sent
     * @param catalog    what the checks before sending compare rows with ({@link ChannelCatalog#UNKNOWN}: none)
     */
    CleverPushCalls(CleverPushRows rows, int maxTagsPerRow, String objectType, String mode, String channelId,
            boolean byUserId, ChannelCatalog catalog) {
        this.rows = rows;
        this.maxTagsPerRow = maxTagsPerRow;
        this.tags = CleverPushDestination.TAGS.equals(objectType);
        this.mode = mode;
        this.channelId = channelId;
        this.byUserId = byUserId;
        this.catalog = catalog;
    }

    /** The row's {@code subscription_id}, trimmed; null when absent, blank or not a string/integer. */
    static String subscriptionId(SyncRow row) {
        JsonNode n = row.fields().get(CleverPushRows.SUBSCRIPTION_ID);
        if (n == null || !(n.isString() || n.isIntegralNumber())) {
            return null;
        }
        String id = n.asString().trim();
        return id.isEmpty() ? null : id;
    }

    /** The distinct {@code subscription_id}s of {@code batch}, in order (the user ids to look up ahead). */
    static Set<String> subscriptionIds(List<SyncRow> batch) {
        Set<String> ids = new LinkedHashSet<>();
        for (SyncRow row : batch) {
            String id = subscriptionId(row);
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The calls of one row (at least one), or the row's error and whether it is a skip. */
    CleverPushRows.Mapped<List<Call>> plan(SyncRow row) {
        String subscriptionId = subscriptionId(row);
        if (subscriptionId == null) {
            return CleverPushRows.Mapped.fail(ErrorCode.INVALID_FIELD, CleverPushRows.SUBSCRIPTION_ID,
                    "subscription_id must be a non-blank string or an integer");
        }
        boolean removal = row.isRemoval(mode);
        if (tags) {
            return tagCalls(row, subscriptionId, removal);
        }
        if (removal) {
            return CleverPushRows.Mapped.ok(List.of(new Call(row.index(), null, "unsubscribe",
                    CleverPushWire.UNSUBSCRIBE_PATH, subscriptionId, byUserId,
                    nativeId -> CleverPushWire.unsubscribe(channelId, nativeId), false)));
        }
        CleverPushRows.Mapped<CleverPushRows.Subscription> mapped = rows.subscription(row, subscriptionId);
        if (mapped.error() != null) {
            return failedAs(mapped);
        }
        CleverPushRows.Subscription subscription = mapped.value();
        RowError unknown = catalog.unknownAttribute(subscription.customAttributes());
        if (unknown != null) {
            return new CleverPushRows.Mapped<>(null, unknown, false);
        }
        return CleverPushRows.Mapped.ok(List.of(new Call(row.index(), null, "subscription_sync",
                CleverPushWire.SYNC_PATH, subscriptionId, byUserId, nativeId -> CleverPushWire.subscriptionSync(
                        channelId, nativeId, subscription.topLevel(), subscription.customAttributes()), true)));
    }

    private CleverPushRows.Mapped<List<Call>> tagCalls(SyncRow row, String subscriptionId, boolean removal) {
        CleverPushRows.Mapped<List<String>> mapped = CleverPushRows.tags(row, maxTagsPerRow);
        if (mapped.error() != null) {
            return failedAs(mapped);
        }
        RowError unknown = catalog.unknownTags(mapped.value());
        if (unknown != null) {
            return new CleverPushRows.Mapped<>(null, unknown, false);
        }
        List<Call> calls = new ArrayList<>(mapped.value().size());
        for (String tag : mapped.value()) {
            calls.add(new Call(row.index(), tag, removal ? "tag_remove" : "tag_add",
                    removal ? CleverPushWire.TAG_REMOVE_PATH : CleverPushWire.TAG_ADD_PATH, subscriptionId,
                    byUserId, nativeId -> CleverPushWire.tag(channelId, nativeId, tag), false));
        }
        return CleverPushRows.Mapped.ok(calls);
    }

    private static <T> CleverPushRows.Mapped<List<Call>> failedAs(CleverPushRows.Mapped<T> mapped) {
        return new CleverPushRows.Mapped<>(null, mapped.error(), mapped.skip());
    }
}
