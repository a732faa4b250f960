package io.pushsync.destination.cleverpush;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every CleverPush wire detail in one place. Entries marked UNCONFIRMED are choices made where the vendor's
 * documents are silent (docs: vendors.md); fix them here when a real account shows otherwise.
 */
final class CleverPushWire {

    /** The private API key is the raw value of this header, no {@code Bearer} prefix. */
    static final String AUTH_HEADER = "Authorization";
    static final String UNSUBSCRIBE_PATH = "/subscription/unsubscribe";
    static final String TAG_ADD_PATH = "/subscription/tag/add";
    static final String TAG_REMOVE_PATH = "/subscription/tag/remove";
    /** The top-level fields of a subscription sync; every other row field is a custom attribute. */
    static final List<String> TOP_LEVEL_FIELDS = List.of("email", "phone", "topics", "language", "country");
    /** The row's {@code subscription_id} travels as this custom attribute. */
    static final String USER_ID_ATTRIBUTE = "user_id";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CleverPushWire() {
    }

    /** UNCONFIRMED: the credential check. 200 = ok, 401/403 = bad key, 404 = unknown channel. */
    static String channelPath(String channelId) {
        return "/channel/" + channelId;
    }

    static String syncPath(String channelId) {
        return "/subscription/sync/" + channelId;
    }

    /** {@code {channelId, <top-level fields>, customAttributes: {user_id, ...}}}. */
    static ObjectNode subscriptionSync(String channelId, Map<String, JsonNode> topLevel,
            Map<String, JsonNode> customAttributes) {
        ObjectNode body = NODES.objectNode();
        body.put("channelId", channelId);
        topLevel.forEach(body::set);
        ObjectNode attributes = body.putObject("customAttributes");
        customAttributes.forEach(attributes::set);
        return body;
    }

    static ObjectNode unsubscribe(String channelId, String subscriptionId) {
        ObjectNode body = NODES.objectNode();
        body.put("channelId", channelId);
        body.put("subscriptionId", subscriptionId);
        return body;
    }

    static ObjectNode tag(String channelId, String subscriptionId, String tagId) {
        ObjectNode body = NODES.objectNode();
        body.put("channelId", channelId);
        body.put("subscriptionId", subscriptionId);
        body.put("tagId", tagId);
        return body;
    }

    static ArrayNode topics(List<String> topics) {
        ArrayNode arr = NODES.arrayNode();
        topics.forEach(arr::add);
        return arr;
    }

    /**
     * UNCONFIRMED: a 2xx whose JSON body has a non-empty {@code error} string is a failure of that row (not
     * retried). Returns the error, or null for a real success.
     */
    static String errorOfSuccess(JsonNode body) {
        if (body == null) {
            return null;
        }
        JsonNode error = body.get("error");
        return error != null && error.isString() && !error.stringValue().isBlank() ? error.stringValue() : null;
    }

    /** The vendor's words: the body's {@code error}, else its {@code message}, else the raw text. */
    static String vendorMessage(JsonNode body, String raw) {
        if (body != null && body.isObject()) {
            for (String key : List.of("error", "message")) {
                JsonNode n = body.get(key);
                if (n != null && n.isString() && !n.stringValue().isBlank()) {
                    return n.stringValue();
                }
            }
        }
        return raw == null || raw.isBlank() ? "(empty body)" : raw;
    }
}
