package io.pushsync.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A simulated CleverPush API under {@code /sandbox/cleverpush/...}, speaking the vendor's documented wire:
 * <ul>
 * <li>{@code GET /channels}: {@code {"channels": [{"_id", "name"}]}};</li>
 * <li>{@code GET /channel/{channelId}/tags}: {@code {"tags": [{"_id", "name"}...]}};</li>
 * <li>{@code GET /channel/{channelId}/config}: {@code {"_id", "name", "channelTags": [{"id", "name"}...],
 * "customAttributes": [{"id", "name"}...]}};</li>
 * <li>{@code GET /subscription?channelId=&attributeId=&attribute_value=}: the subscription whose custom attribute has
 * that value, {@code {"subscription": {"_id", "customAttributes"}}}, else 404;</li>
 * <li>{@code POST /subscription/sync/{channelId}}: creates or updates a subscription ({@code emailAddress},
 * {@code phone}, {@code language}, {@code country}, {@code topics}, {@code customAttributes}); the one to update is
 * named by {@code subscriptionId}, else found by {@code customAttributes.user_id}; answers
 * {@code {"success": true, "id": "<native id>"}};</li>
 * <li>{@code POST /subscription/tag} and {@code /subscription/untag} ({@code channelId}, {@code subscriptionId},
 * {@code tagId}) and {@code POST /subscription/unsubscribe} ({@code channelId}, {@code subscriptionId}):
 * {@code {"success": true}}.</li>
 * </ul>
 * Each checks the raw private API key in {@code Authorization} (no {@code Bearer}) before anything else (401
 * {@code {"error": "Invalid API key"}}); an unknown channel is 404 {@code {"error": "channel not found"}}; every error
 * is a non-2xx with {@code {"error": "<message>"}}. A sync naming a custom attribute the channel does not define, or
 * a {@code user_id} starting with the configured rejected prefix, is refused with a 400. A sync of an unsubscribed
 * subscription makes it subscribed again.
 *
 * <p>Read-only views of what arrived: {@code GET /sandbox/cleverpush/subscriptions}, {@code /subscriptions/{id}},
 * {@code /requests} (one line per vendor call: method, path without query, status, error; never the key);
 * {@code DELETE /sandbox/cleverpush} resets it to the seeded subscriptions (with their seeded {@code user_id}s).
 */
@Profile("sandbox")
@RestController
@RequestMapping("/sandbox/cleverpush")
public class CleverPushSimulator {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final List<String> STRING_FIELDS = List.of("emailAddress", "phone", "language", "country");
    private static final String NATIVE_ID_PREFIX = "sbx-sub-";
    private static final String CHANNEL_NAME = "Sandbox channel";
    private static final String USER_ID = "user_id";

    /** One vendor call received, as the simulator saw it; {@code error} is null on success. */
    public record ReceivedRequest(String method, String path, int status, String error) {
    }

    /** A subscription's state; guarded by the simulator's lock. */
    private static final class Subscription {
        final Map<String, Object> fields = new LinkedHashMap<>();
        final Map<String, Object> customAttributes = new LinkedHashMap<>();
        final Set<String> tags = new LinkedHashSet<>();
        boolean unsubscribed;

        Map<String, Object> view() {
            Map<String, Object> v = new LinkedHashMap<>(fields);
            v.put("customAttributes", Collections.unmodifiableMap(new LinkedHashMap<>(customAttributes)));
            v.put("tags", List.copyOf(tags));
            v.put("unsubscribed", unsubscribed);
            return Collections.unmodifiableMap(v);
        }
    }

    private final SandboxCleverPushProperties account;
    private final byte[] apiKey;
    private final Set<String> customAttributes;
    private final Set<String> tags;
    /** Tag id to display name, in the configured order. */
    private final Map<String, String> tagNames;
    private final Object lock = new Object();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, String> nativeIdByUserId = new LinkedHashMap<>();
    private final List<ReceivedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private long created;

    public CleverPushSimulator(SandboxCleverPushProperties account) {
        this.account = account;
        this.apiKey = account.apiKey().getBytes(StandardCharsets.UTF_8);
        this.customAttributes = new LinkedHashSet<>(account.customAttributes());
        this.tags = new LinkedHashSet<>(account.tags());
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < account.tags().size(); i++) {
            names.putIfAbsent(account.tags().get(i), account.tagName(i));
        }
        this.tagNames = Collections.unmodifiableMap(names);
        seed();
    }

    // --- vendor calls ---

    @GetMapping("/channels")
    public ResponseEntity<Map<String, Object>> channels(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = ResponseEntity.ok(body("channels",
                    List.of(body("_id", account.channelId(), "name", CHANNEL_NAME))));
        }
        return logged("GET", "/channels", answer);
    }

    @GetMapping("/channel/{channelId}/tags")
    public ResponseEntity<Map<String, Object>> channelTags(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @PathVariable String channelId) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = knownChannel(channelId) ? ResponseEntity.ok(body("tags", tagList("_id"))) : channelNotFound();
        }
        return logged("GET", "/channel/" + channelId + "/tags", answer);
    }

    @GetMapping("/channel/{channelId}/config")
    public ResponseEntity<Map<String, Object>> channelConfig(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @PathVariable String channelId) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            if (knownChannel(channelId)) {
                List<Map<String, Object>> attributes = new ArrayList<>();
                customAttributes.forEach(id -> attributes.add(body("id", id, "name", id)));
                answer = ResponseEntity.ok(body("_id", channelId, "name", CHANNEL_NAME,
                        "channelTags", tagList("id"), "customAttributes", List.copyOf(attributes)));
            } else {
                answer = channelNotFound();
            }
        }
        return logged("GET", "/channel/" + channelId + "/config", answer);
    }

    @GetMapping("/subscription")
    public ResponseEntity<Map<String, Object>> findSubscription(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestParam(required = false) String channelId, @RequestParam(required = false) String attributeId,
            @RequestParam(name = "attribute_value", required = false) String attributeValue) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = findChecked(channelId, attributeId, attributeValue);
        }
        return logged("GET", "/subscription", answer);
    }

    @PostMapping("/subscription/sync/{channelId}")
    public ResponseEntity<Map<String, Object>> sync(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @PathVariable String channelId, @RequestBody(required = false) String body) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = knownChannel(channelId) ? syncChecked(channelId, body) : channelNotFound();
        }
        return logged("POST", "/subscription/sync/" + channelId, answer);
    }

    @PostMapping("/subscription/unsubscribe")
    public ResponseEntity<Map<String, Object>> unsubscribe(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) String body) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = onSubscription(body, null, (subscription, tagId) -> subscription.unsubscribed = true);
        }
        return logged("POST", "/subscription/unsubscribe", answer);
    }

    @PostMapping("/subscription/tag")
    public ResponseEntity<Map<String, Object>> tag(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) String body) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = onSubscription(body, "tagId", (subscription, tagId) -> subscription.tags.add(tagId));
        }
        return logged("POST", "/subscription/tag", answer);
    }

    @PostMapping("/subscription/untag")
    public ResponseEntity<Map<String, Object>> untag(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) String body) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = onSubscription(body, "tagId", (subscription, tagId) -> subscription.tags.remove(tagId));
        }
        return logged("POST", "/subscription/untag", answer);
    }

    // --- read-only views and reset ---

    @GetMapping("/subscriptions")
    public Map<String, Map<String, Object>> subscriptions() {
        synchronized (lock) {
            Map<String, Map<String, Object>> view = new LinkedHashMap<>();
            subscriptions.forEach((id, s) -> view.put(id, s.view()));
            return Collections.unmodifiableMap(view);
        }
    }

    @GetMapping("/subscriptions/{id}")
    public ResponseEntity<Map<String, Object>> subscription(@PathVariable String id) {
        synchronized (lock) {
            Subscription s = subscriptions.get(id);
            return s == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(s.view());
        }
    }

    @GetMapping("/requests")
    public List<ReceivedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @DeleteMapping
    public ResponseEntity<Void> reset() {
        synchronized (lock) {
            seed();
            requests.clear();
        }
        return ResponseEntity.noContent().build();
    }

    private void seed() {
        synchronized (lock) {
            subscriptions.clear();
            nativeIdByUserId.clear();
            created = 0;
            List<String> seeds = account.seedSubscriptions();
            for (int i = 0; i < seeds.size(); i++) {
                Subscription subscription = new Subscription();
                subscriptions.put(seeds.get(i), subscription);
                String userId = account.seedUserId(i);
                if (userId != null) {
                    subscription.customAttributes.put(USER_ID, userId);
                    nativeIdByUserId.put(userId, seeds.get(i));
                }
            }
        }
    }

    // --- behaviour ---

    private ResponseEntity<Map<String, Object>> findChecked(String channelId, String attributeId, String value) {
        String[][] params = {{"channelId", channelId}, {"attributeId", attributeId}, {"attribute_value", value}};
        for (String[] param : params) {
            if (param[1] == null || param[1].isBlank()) {
                return error(HttpStatus.BAD_REQUEST, "The query parameter " + param[0] + " is required");
            }
        }
        if (!knownChannel(channelId)) {
            return channelNotFound();
        }
        synchronized (lock) {
            String nativeId = null;
            if (USER_ID.equals(attributeId)) {
                nativeId = nativeIdByUserId.get(value);
            } else {
                for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
                    Object v = e.getValue().customAttributes.get(attributeId);
                    if (v != null && value.equals(v.toString())) {
                        nativeId = e.getKey();
                        break;
                    }
                }
            }
            Subscription subscription = nativeId == null ? null : subscriptions.get(nativeId);
            if (subscription == null) {
                return error(HttpStatus.NOT_FOUND, "Subscription not found");
            }
            return ResponseEntity.ok(body("subscription", body("_id", nativeId, "customAttributes",
                    Collections.unmodifiableMap(new LinkedHashMap<>(subscription.customAttributes)))));
        }
    }

    private ResponseEntity<Map<String, Object>> syncChecked(String channelId, String rawBody) {
        JsonNode body = parse(rawBody);
        if (body == null) {
            return error(HttpStatus.BAD_REQUEST, "The request body must be a JSON object");
        }
        JsonNode bodyChannel = body.path("channelId");
        if (!bodyChannel.isString() || !bodyChannel.stringValue().equals(channelId)) {
            return error(HttpStatus.BAD_REQUEST, "channelId in the body must equal the channel in the path");
        }
        JsonNode subscriptionIdNode = body.path("subscriptionId");
        String subscriptionId = null;
        if (!subscriptionIdNode.isMissingNode() && !subscriptionIdNode.isNull()) {
            if (!subscriptionIdNode.isString() || subscriptionIdNode.stringValue().isBlank()) {
                return error(HttpStatus.BAD_REQUEST, "subscriptionId must be a non-empty string");
            }
            subscriptionId = subscriptionIdNode.stringValue();
        }
        JsonNode attributes = body.path("customAttributes");
        if (!attributes.isMissingNode() && !attributes.isNull() && !attributes.isObject()) {
            return error(HttpStatus.BAD_REQUEST, "customAttributes must be an object");
        }
        for (String key : attributes.propertyNames()) {
            if (!customAttributes.contains(key)) {
                return error(HttpStatus.BAD_REQUEST, "Custom attribute '" + key + "' does not exist");
            }
        }
        JsonNode userIdNode = attributes.path(USER_ID);
        String userId = null;
        if (userIdNode.isMissingNode() || userIdNode.isNull()) {
            if (subscriptionId == null) {
                return error(HttpStatus.BAD_REQUEST, "customAttributes.user_id is required");
            }
        } else if (!(userIdNode.isString() || userIdNode.isIntegralNumber()) || userIdNode.asString().isBlank()) {
            return error(HttpStatus.BAD_REQUEST, subscriptionId == null ? "customAttributes.user_id is required"
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
                return error(HttpStatus.BAD_REQUEST, field + " must be a string");
            }
            fields.put(field, v.stringValue());
        }
        Object phone = fields.get("phone");
        if (phone != null && !E164.matcher(phone.toString()).matches()) {
            return error(HttpStatus.BAD_REQUEST, "phone must be in E.164 format: '+' and 7 to 15 digits");
        }
        JsonNode topics = body.path("topics");
        if (!topics.isMissingNode() && !topics.isNull()) {
            if (!topics.isArray()) {
                return error(HttpStatus.BAD_REQUEST, "topics must be an array of strings");
            }
            List<String> topicIds = new ArrayList<>();
            for (JsonNode t : topics) {
                if (!t.isString()) {
                    return error(HttpStatus.BAD_REQUEST, "topics must be an array of strings");
                }
                topicIds.add(t.stringValue());
            }
            fields.put("topics", List.copyOf(topicIds));
        }
        if (userId != null && userId.startsWith(account.rejectedUserIdPrefix())) {
            return error(HttpStatus.BAD_REQUEST, "Subscription refused by the sandbox");
        }
        Map<String, Object> attributeValues = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : attributes.properties()) {
            attributeValues.put(e.getKey(), plain(e.getValue()));
        }
        synchronized (lock) {
            String nativeId;
            Subscription subscription;
            if (subscriptionId != null) {
                nativeId = subscriptionId;
                subscription = subscriptions.get(subscriptionId);
                if (subscription == null) {
                    return error(HttpStatus.NOT_FOUND, "Subscription not found");
                }
            } else {
                nativeId = nativeIdByUserId.get(userId);
                subscription = nativeId == null ? null : subscriptions.get(nativeId);
                if (subscription == null) {
                    if (!fields.containsKey("emailAddress") && !fields.containsKey("phone")) {
                        return error(HttpStatus.BAD_REQUEST,
                                "A new subscription needs an emailAddress, phone or push token");
                    }
                    nativeId = NATIVE_ID_PREFIX + (++created);
                    subscription = new Subscription();
                    subscriptions.put(nativeId, subscription);
                }
            }
            Object previousUserId = subscription.customAttributes.get(USER_ID);
            subscription.fields.putAll(fields);
            subscription.customAttributes.putAll(attributeValues);
            // the index follows the subscription's user_id: a new one names this subscription (taken from any
            // other), the one it replaces (or that was cleared with null) no longer does
            Object newUserId = subscription.customAttributes.get(USER_ID);
            if (previousUserId != null && !previousUserId.equals(newUserId)) {
                nativeIdByUserId.remove(previousUserId.toString(), nativeId);
            }
            if (newUserId != null) {
                nativeIdByUserId.put(newUserId.toString(), nativeId);
            }
            subscription.unsubscribed = false;
            return ResponseEntity.ok(body("success", true, "id", nativeId));
        }
    }

    /** What unsubscribe and tag/untag do to a subscription; {@code tagId} is null for unsubscribe. */
    private interface Change {
        void apply(Subscription subscription, String tagId);
    }

    private ResponseEntity<Map<String, Object>> onSubscription(String rawBody, String tagField, Change change) {
        JsonNode body = parse(rawBody);
        if (body == null) {
            return error(HttpStatus.BAD_REQUEST, "The request body must be a JSON object");
        }
        JsonNode channel = body.path("channelId");
        if (!channel.isString()) {
            return error(HttpStatus.BAD_REQUEST, "channelId is required");
        }
        if (!knownChannel(channel.stringValue())) {
            return channelNotFound();
        }
        JsonNode subscriptionId = body.path("subscriptionId");
        if (!subscriptionId.isString()) {
            return error(HttpStatus.BAD_REQUEST, "subscriptionId is required");
        }
        String tagId = null;
        if (tagField != null) {
            JsonNode tag = body.path(tagField);
            if (!tag.isString()) {
                return error(HttpStatus.BAD_REQUEST, tagField + " is required");
            }
            tagId = tag.stringValue();
        }
        synchronized (lock) {
            Subscription subscription = subscriptions.get(subscriptionId.stringValue());
            if (subscription == null) {
                return error(HttpStatus.NOT_FOUND, "Subscription not found");
            }
            if (tagId != null && !tags.contains(tagId)) {
                return error(HttpStatus.BAD_REQUEST, "Tag '" + tagId + "' does not exist");
            }
            change.apply(subscription, tagId);
        }
        return ResponseEntity.ok(body("success", true));
    }

    // --- helpers ---

    private List<Map<String, Object>> tagList(String idKey) {
        List<Map<String, Object>> list = new ArrayList<>();
        tagNames.forEach((id, name) -> list.add(body(idKey, id, "name", name)));
        return List.copyOf(list);
    }

    private ResponseEntity<Map<String, Object>> checkAuth(String authorization) {
        if (authorization == null
                || !MessageDigest.isEqual(apiKey, authorization.getBytes(StandardCharsets.UTF_8))) {
            return error(HttpStatus.UNAUTHORIZED, "Invalid API key");
        }
        return null;
    }

    private boolean knownChannel(String channelId) {
        return account.channelId().equals(channelId);
    }

    private ResponseEntity<Map<String, Object>> logged(String method, String path,
            ResponseEntity<Map<String, Object>> answer) {
        Map<String, Object> body = answer.getBody();
        Object error = body == null ? null : body.get("error");
        requests.add(new ReceivedRequest(method, path, answer.getStatusCode().value(),
                error == null ? null : error.toString()));
        return answer;
    }

    /** The body as a JSON object, or null when it is absent, malformed or not an object. */
    private static JsonNode parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(raw);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static Object plain(JsonNode value) {
        return value.isNull() ? null : JSON.treeToValue(value, Object.class);
    }

    private static ResponseEntity<Map<String, Object>> channelNotFound() {
        return error(HttpStatus.NOT_FOUND, "channel not found");
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(body("error", message));
    }

    private static Map<String, Object> body(Object... keyValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            body.put((String) keyValues[i], keyValues[i + 1]);
        }
        return body;
    }
}
