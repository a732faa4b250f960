package io.pushsync.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of a simulated {@code POST /subscription/sync/{channelId}}, read and checked as the sandbox's CleverPush
 * does before it looks at any subscription: {@code channelId} equal to the path's, {@code subscriptionId} a non-empty
 * string when given, {@code customAttributes} an object of attributes the channel defines with a {@code user_id}
 * (required without {@code subscriptionId}), {@code emailAddress}, {@code phone} (E.164), {@code language},
 * {@code country} strings, {@code topics} an array of strings, and a {@code user_id} not starting with the rejected
 * prefix.
 *
 * @param subscriptionId   the subscription to update; null: the one carrying {@code userId}, or a new one
 * @param userId           {@code customAttributes.user_id}; null when absent
 * @param fields           the top-level fields given, by wire name ({@code topics} as a list)
 * @param customAttributes the custom attributes given, as plain values (null clears one)
 */
record CleverPushSyncBody(String subscriptionId, String userId, Map<String, Object> fields,
        Map<String, Object> customAttributes) {

    /** A body read: the body, or why it is refused (a 400). */
    record Read(CleverPushSyncBody body, String error) {
        static Read refused(String error) {
            return new Read(null, error);
        }
    }

    static final String USER_ID = "user_id";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final List<String> STRING_FIELDS = List.of("emailAddress", "phone", "language", "country");

    /**
     * Reads {@code body} (a JSON object) sent to the channel {@code channelId}, whose custom attributes are
     * {@code knownAttributes}; a {@code user_id} starting with {@code rejectedPrefix} is refused.
     */
    static Read read(JsonNode body, String channelId, Set<String> knownAttributes, String rejectedPrefix) {
        JsonNode bodyChannel = body.path("channelId");
        if (!bodyChannel.isString() || !bodyChannel.stringValue().equals(channelId)) {
            return Read.refused("channelId in the body must equal the channel in the path");
        }
        JsonNode subscriptionIdNode = body.path("subscriptionId");
        String subscriptionId = null;
        if (!subscriptionIdNode.isMissingNode() && !subscriptionIdNode.isNull()) {
            if (!subscriptionIdNode.isString() || subscriptionIdNode.stringValue().isBlank()) {
                return Read.refused("subscriptionId must be a non-empty string");
            }
            subscriptionId = subscriptionIdNode.stringValue();
        }
        JsonNode attributes = body.path("customAttributes");
        if (!attributes.isMissingNode() && !attributes.isNull() && !attributes.isObject()) {
            return Read.refused("customAttributes must be an object");
        }
        for (String key : attributes.propertyNames()) {
            if (!knownAttributes.contains(key)) {
                return Read.refused("Custom attribute '" + key + "' does not exist");
            }
        }
        JsonNode userIdNode = attributes.path(USER_ID);
        String userId = null;
        if (userIdNode.isMissingNode() || userIdNode.isNull()) {
            if (subscriptionId == null) {
                return Read.refused("customAttributes.user_id is required");
            }
        } else if (!(userIdNode.isString() || userIdNode.isIntegralNumber()) || userIdNode.asString().isBlank()) {
            return Read.refused(subscriptionId == null ? "customAttributes.user_id is required"
                    : "customAttributes.user_id must be a non-empty string or an integer");
        } else {
            userId = userIdNode.asString();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String field : STRING_FIELDS) {
            JsonNode v = body.path(field);
            if (v.isMissingNode() || v.isNull()) {
                continue;
            }
            if (!v.isString()) {
                return Read.refused(field + " must be a string");
            }
            fields.put(field, v.stringValue());
        }
        Object phone = fields.get("phone");
        if (phone != null && !E164.matcher(phone.toString()).matches()) {
            return Read.refused("phone must be in E.164 format: '+' and 7 to 15 digits");
        }
        JsonNode topics = body.path("topics");
        if (!topics.isMissingNode() && !topics.isNull()) {
            if (!topics.isArray()) {
                return Read.refused("topics must be an array of strings");
            }
            List<String> topicIds = new ArrayList<>();
            for (JsonNode t : topics) {
                if (!t.isString()) {
                    return Read.refused("topics must be an array of strings");
                }
                topicIds.add(t.stringValue());
            }
            fields.put("topics", List.copyOf(topicIds));
        }
        if (userId != null && userId.startsWith(rejectedPrefix)) {
            return Read.refused("Subscription refused by the sandbox");
        }
        Map<String, Object> attributeValues = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : attributes.properties()) {
            attributeValues.put(e.getKey(), plain(e.getValue()));
        }
        return new Read(new CleverPushSyncBody(subscriptionId, userId, fields, attributeValues), null);
    }

    /** Whether the body can create a subscription: it gives an e-mail address or a phone number. */
    boolean reachesSomeone() {
        return fields.containsKey("emailAddress") || fields.containsKey("phone");
    }

    private static Object plain(JsonNode value) {
        return value.isNull() ? null : JSON.treeToValue(value, Object.class);
    }
}
