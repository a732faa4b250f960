package io.pushsync.destination.cleverpush;

import static io.pushsync.sync.values.Text.clip;

import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.values.EmailAddresses;
import io.pushsync.sync.values.PhoneNumbers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Validates and normalises CleverPush rows. Pure.
 *
 * <ul>
 *   <li>{@code subscription_id}: read by {@link CleverPushCalls}, sent as the custom attribute {@code user_id}.</li>
 *   <li>{@code email}: trimmed, lower-cased, must look like an address. {@code phone}: E.164 with {@code +}.
 *       {@code topics}: an array of strings or a comma-separated string, trimmed, empties and duplicates dropped.
 *       {@code language}, {@code country}: strings, trimmed.</li>
 *   <li>Every other field is a custom attribute, sent as its JSON value.</li>
 *   <li>{@code tags}: a comma-separated string or an array of strings/integers, trimmed, duplicates dropped.</li>
 * </ul>
 */
final class CleverPushRows {

    static final String SUBSCRIPTION_ID = "subscription_id";
    static final String TAGS = "tags";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A subscription sync: the top-level fields and the custom attributes (with {@code user_id}). */
    record Subscription(Map<String, JsonNode> topLevel, Map<String, JsonNode> customAttributes) {
    }

    /** Either a value or an error; {@code skip} tells a skipped row from a failed one. */
    record Mapped<T>(T value, RowError error, boolean skip) {
        static <T> Mapped<T> ok(T value) {
            return new Mapped<>(value, null, false);
        }

        static <T> Mapped<T> fail(ErrorCode code, String field, String message) {
            return new Mapped<>(null, RowError.of(code, field, message), false);
        }

        static <T> Mapped<T> skip(String message) {
            return new Mapped<>(null, RowError.of(ErrorCode.NO_FIELDS, message), true);
        }
    }

    private final PhoneNumbers phones;

    CleverPushRows(PhoneNumbers phones) {
        this.phones = phones;
    }

    /**
     * The subscription sync of a row whose {@code subscription_id} reads as {@code id}
     * ({@link CleverPushCalls#subscriptionId}).
     */
    Mapped<Subscription> subscription(SyncRow row, String id) {
        Map<String, JsonNode> top = new LinkedHashMap<>();
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        attributes.put(CleverPushWire.USER_ID_ATTRIBUTE, NODES.stringNode(id));
        for (Map.Entry<String, JsonNode> e : row.fields().entrySet()) {
            String name = e.getKey();
            JsonNode value = e.getValue();
            if (name.equals(SUBSCRIPTION_ID)) {
                continue;
            }
            if (name.equals(CleverPushWire.USER_ID_ATTRIBUTE)) {
                return Mapped.fail(ErrorCode.INVALID_FIELD, name, "user_id is reserved: the row's subscription_id "
                        + "is sent as the custom attribute user_id");
            }
            if (!CleverPushWire.TOP_LEVEL_FIELDS.contains(name)) {
                attributes.put(name, value);
                continue;
            }
            if (value.isNull()) {
                top.put(name, value); // options.nulls = clear
                continue;
            }
            Mapped<JsonNode> mapped = switch (name) {
                case "email" -> email(value);
                case "phone" -> phone(value);
                case "topics" -> topics(value);
                default -> plainString(name, value);
            };
            if (mapped.error() != null) {
                return new Mapped<>(null, mapped.error(), false);
            }
            if (mapped.value() != null) {
                top.put(name, mapped.value());
            }
        }
        if (top.isEmpty() && attributes.size() == 1) {
            return Mapped.skip("the row has no field to set besides its subscription_id");
        }
        return Mapped.ok(new Subscription(top, attributes));
    }

    /** The row's tag ids, trimmed, duplicates dropped, in order; more than {@code maxTags} fails the row. */
    static Mapped<List<String>> tags(SyncRow row, int maxTags) {
        JsonNode n = row.fields().get(TAGS);
        Set<String> tags = new LinkedHashSet<>();
        if (n != null && n.isString()) {
            for (String t : n.stringValue().split(",")) {
                addTrimmed(tags, t);
            }
        } else if (n != null && n.isArray()) {
            for (JsonNode t : n) {
                if (!(t.isString() || t.isIntegralNumber())) {
                    return Mapped.fail(ErrorCode.INVALID_FIELD, TAGS,
                            "tags must be strings or integers, found " + t.getNodeType().name().toLowerCase(Locale.ROOT));
                }
                addTrimmed(tags, t.asString());
            }
        } else {
            return Mapped.fail(ErrorCode.INVALID_FIELD, TAGS,
                    "tags must be a comma-separated string or an array of tag ids");
        }
        if (tags.isEmpty()) {
            return Mapped.skip("the row names no tag");
        }
        if (tags.size() > maxTags) {
            return Mapped.fail(ErrorCode.INVALID_FIELD, TAGS, "the row names " + tags.size()
                    + " tags; at most " + maxTags + " are accepted (pushsync.cleverpush.max-tags-per-row)");
        }
        return Mapped.ok(new ArrayList<>(tags));
    }

    private static Mapped<JsonNode> email(JsonNode value) {
        if (!value.isString()) {
            return Mapped.fail(ErrorCode.INVALID_FIELD, "email", "email must be a string");
        }
        String email = EmailAddresses.normalise(value.stringValue());
        if (email.isEmpty()) {
            return Mapped.ok(null);
        }
        if (!EmailAddresses.isValid(email)) {
            return Mapped.fail(ErrorCode.INVALID_FIELD, "email", "not an e-mail address: '" + clip(email) + "'");
        }
        return Mapped.ok(NODES.stringNode(email));
    }

    private Mapped<JsonNode> phone(JsonNode value) {
        if (!value.isString() && !value.isIntegralNumber()) {
            return Mapped.fail(ErrorCode.INVALID_PHONE_NUMBER, "phone", "phone must be a string or an integer");
        }
        String raw = value.asString();
        if (raw.isBlank()) {
            return Mapped.ok(null);
        }
        Optional<String> e164 = phones.toE164(raw);
        return e164.<Mapped<JsonNode>>map(p -> Mapped.ok(NODES.stringNode(p)))
                .orElseGet(() -> Mapped.fail(ErrorCode.INVALID_PHONE_NUMBER, "phone",
                        "not a valid phone number: '" + clip(raw) + "'"));
    }

    /** UNCONFIRMED: a comma-separated string is split into an array. */
    private static Mapped<JsonNode> topics(JsonNode value) {
        Set<String> topics = new LinkedHashSet<>();
        if (value.isString()) {
            for (String t : value.stringValue().split(",")) {
                addTrimmed(topics, t);
            }
        } else if (value.isArray()) {
            for (JsonNode t : value) {
                if (!t.isString()) {
                    return Mapped.fail(ErrorCode.INVALID_FIELD, "topics", "topics must be strings");
                }
                addTrimmed(topics, t.stringValue());
            }
        } else {
            return Mapped.fail(ErrorCode.INVALID_FIELD, "topics",
                    "topics must be an array of strings or a comma-separated string");
        }
        return Mapped.ok(CleverPushWire.topics(new ArrayList<>(topics)));
    }

    private static Mapped<JsonNode> plainString(String name, JsonNode value) {
        if (!value.isString()) {
            return Mapped.fail(ErrorCode.INVALID_FIELD, name, name + " must be a string");
        }
        String s = value.stringValue().trim();
        return Mapped.ok(s.isEmpty() ? null : NODES.stringNode(s));
    }

    /** Adds {@code value} trimmed (spaces and control characters), unless nothing is left. */
    private static void addTrimmed(Set<String> into, String value) {
        String t = value.trim();
        if (!t.isEmpty()) {
            into.add(t);
        }
    }
}
