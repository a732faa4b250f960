package io.pushsync.destination.cleverpush;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every CleverPush wire detail in one place, each with its source. Entries marked UNCONFIRMED are choices made where
 * the vendor's documents are silent (docs/vendors.md); fix them here when a real account shows otherwise.
 *
 * <p>Sources: the vendor's developer docs ({@code cleverpush/cleverpush-developer-docs}, {@code docs/api/*.md}) and
 * its SDKs ({@code cleverpush-android-sdk}: {@code AddSubscriptionTags}, {@code RemoveSubscriptionTags},
 * {@code SubscriptionManagerBase}; the iOS and web SDKs make the same calls).
 */
final class CleverPushWire {

    /** The private API key is the raw value of this header, no {@code Bearer} prefix. */
    static final String AUTH_HEADER = "Authorization";
    static final String UNSUBSCRIBE_PATH = "/subscription/unsubscribe";
    /** Tags: the SDKs' {@code POST /subscription/tag} and {@code /subscription/untag} (docs: none; SDKs: all). */
    static final String TAG_ADD_PATH = "/subscription/tag";
    static final String TAG_REMOVE_PATH = "/subscription/untag";
    /** The top-level fields of a subscription sync (row names); every other row field is a custom attribute. */
    static final List<String> TOP_LEVEL_FIELDS = List.of("email", "phone", "topics", "language", "country");
    /**
     * Row field -> wire name where they differ: the e-mail is {@code emailAddress} (developer docs, subscription
     * sync example). UNCONFIRMED: {@code phone} travels as {@code phone} (no source names the field).
     */
    static final Map<String, String> WIRE_NAMES = Map.of("email", "emailAddress");
    /** The row's {@code subscription_id} travels as this custom attribute (developer docs: external user id). */
    static final String USER_ID_ATTRIBUTE = "user_id";
    /** A subscription sync updates the subscription named by this body field (SDKs), else creates one. */
    static final String SUBSCRIPTION_ID = "subscriptionId";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CleverPushWire() {
    }

    /**
     * The credential and channel check, which also lists the channel's tags: {@code GET /channel/{id}/tags} (the
     * vendor's WordPress plugin) answers {@code {"tags": [{"_id", "name"}]}}; 200 = ok, 401/403 = bad key, 404 =
     * unknown channel. ({@code GET /channels} is the docs' own example but proves only the key.)
     */
    static final String CHANNEL_TAGS_PATH = "/channel/{channelId}/tags";

    /** The channel's configuration, listing {@code customAttributes: [{id, name}]} (developer docs). */
    static final String CHANNEL_CONFIG_PATH = "/channel/{channelId}/config";

    /**
     * The subscription carrying an external user id (developer docs, "Get subscription by attribute"); a URI
     * template whose variables {@link #lookupVariables} fills, so the user id is encoded in full.
     */
    static final String LOOKUP_PATH =
            "/subscription?channelId={channelId}&attributeId=" + USER_ID_ATTRIBUTE + "&attribute_value={userId}";

    static Map<String, String> lookupVariables(String channelId, String userId) {
        return Map.of("channelId", channelId, "userId", userId);
    }

    /**
     * UNCONFIRMED (the answer's shape is not documented): the native id of a look-up's answer, read leniently:
     * {@code _id} (the vendor's other answers are Mongo-style), else {@code id}, at the top, inside
     * {@code subscription}, or in the first element of {@code subscriptions} or of a top-level array. Null when
     * there is none (an empty answer means no such subscription).
     */
    static String nativeIdOf(JsonNode body) {
        if (body == null) {
            return null;
        }
        for (JsonNode candidate : List.of(body, body.path("subscription"), body.path("subscriptions").path(0),
                body.path(0))) {
            for (String key : List.of("_id", "id")) {
                JsonNode id = candidate.path(key);
                if ((id.isString() && !id.stringValue().isBlank()) || id.isIntegralNumber()) {
                    return id.asString().trim();
                }
            }
        }
        return null;
    }

    /** A channel's tags ({@code {"tags": [{"_id", "name"}]}}): id -> name; null when the answer has no list. */
    static Map<String, String> tagsOf(JsonNode body) {
        return idsAndNames(body == null ? null : body.get("tags"));
    }

    /**
     * The channel config's custom attributes ({@code customAttributes: [{id, name}]}): id -> name; null when the
     * answer has no list.
     */
    static Map<String, String> customAttributesOf(JsonNode body) {
        return idsAndNames(body == null ? null : body.get("customAttributes"));
    }

    /** {@code [{_id|id, name}]} or {@code ["id"]} as id -> name (the id when unnamed); null for anything else. */
    private static Map<String, String> idsAndNames(JsonNode list) {
        if (list == null || !list.isArray()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode item : list) {
            if (item.isString()) {
                out.put(item.stringValue(), item.stringValue());
                continue;
            }
            JsonNode id = item.has("_id") ? item.get("_id") : item.path("id");
            if (id.isString() || id.isIntegralNumber()) {
                JsonNode name = item.path("name");
                out.put(id.asString(), name.isString() ? name.stringValue() : id.asString());
            }
        }
        return out;
    }

    /**
     * Paths are URI templates filled when a call is sent: logs and the {@code uri} tag of client metrics show the
     * template, never a channel id.
     */
    static final String SYNC_PATH = "/subscription/sync/{channelId}";

    static Map<String, String> channelVariables(String channelId) {
        return Map.of("channelId", channelId);
    }

    /**
     * {@code {channelId, subscriptionId?, <top-level fields>, customAttributes: {user_id, ...}}}; the top-level
     * fields by their row names ({@link #WIRE_NAMES} renames them); {@code subscriptionId} null leaves it out.
     */
    static ObjectNode subscriptionSync(String channelId, String subscriptionId, Map<String, JsonNode> topLevel,
            Map<String, JsonNode> customAttributes) {
        ObjectNode body = NODES.objectNode();
        body.put("channelId", channelId);
        if (subscriptionId != null) {
            body.put(SUBSCRIPTION_ID, subscriptionId);
        }
        topLevel.forEach((name, value) -> body.set(WIRE_NAMES.getOrDefault(name, name), value));
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

    /** {@link #vendorMessage} of an empty answer. */
    static final String EMPTY_BODY = "(empty body)";

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
        return raw == null || raw.isBlank() ? EMPTY_BODY : raw;
    }
}
