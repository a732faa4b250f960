package io.pushsync.destination.cleverpush;

import static io.pushsync.sync.values.Text.clip;

import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * What a channel has, for the checks before sending ({@code options.precheck}): its tags (id -> name) and its
 * custom attribute ids. Either is null when it could not be read: then nothing is checked against it and the
 * vendor decides, so a row never fails only because the check could not run.
 */
record ChannelCatalog(Map<String, String> tags, Set<String> attributes) {

    static final ChannelCatalog UNKNOWN = new ChannelCatalog(null, null);

    /** The error of a tags row naming tags the channel lacks, else null. */
    RowError unknownTags(List<String> rowTags) {
        if (tags == null) {
            return null;
        }
        List<String> unknown = new ArrayList<>();
        for (String tag : rowTags) {
            if (!tags.containsKey(tag)) {
                unknown.add(tag);
            }
        }
        if (unknown.isEmpty()) {
            return null;
        }
        String named = unknown.stream().map(t -> "'" + clip(t) + "'" + hint(t)).collect(Collectors.joining(", "));
        return RowError.of(ErrorCode.UNKNOWN_TAG, CleverPushRows.TAGS, "the channel has no tag with the id "
                + named + " (tags are named by id; nothing was sent for this row)");
    }

    /** Where a row names a tag by its display name: which id it has. */
    private String hint(String tag) {
        return tags.entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(tag)).findFirst()
                .map(e -> " (the tag named '" + clip(e.getValue()) + "' has the id '" + clip(e.getKey()) + "')")
                .orElse("");
    }

    /** The error of a subscription row setting a custom attribute the channel lacks, else null. */
    RowError unknownAttribute(Map<String, JsonNode> customAttributes) {
        if (attributes == null) {
            return null;
        }
        for (String name : customAttributes.keySet()) {
            if (attributes.contains(name)) {
                continue;
            }
            if (name.equals(CleverPushWire.USER_ID_ATTRIBUTE)) {
                return RowError.of(ErrorCode.UNKNOWN_ATTRIBUTE, CleverPushRows.SUBSCRIPTION_ID,
                        "the channel has no custom attribute 'user_id', which carries the row's subscription_id: "
                                + "add it in the channel's settings (nothing was sent for this row)");
            }
            return RowError.of(ErrorCode.UNKNOWN_ATTRIBUTE, name, "the channel has no custom attribute '"
                    + clip(name) + "' (nothing was sent for this row)");
        }
        return null;
    }
}
