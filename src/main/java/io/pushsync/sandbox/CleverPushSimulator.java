package io.pushsync.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>This class is the HTTP side (key, paths, query and body shapes, answers, the request log); the channel and its
 * subscriptions are {@link CleverPushSandboxChannel}, a sync's body is read by {@link CleverPushSyncBody}.
 */
@Profile("sandbox")
@RestController
@RequestMapping("/sandbox/cleverpush")
public class CleverPushSimulator {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHANNEL_NAME = "Sandbox channel";

    /** One vendor call received, as the simulator saw it; {@code error} is null on success. */
    public record ReceivedRequest(String method, String path, int status, String error) {
    }

    private final SandboxCleverPushProperties account;
    private final byte[] apiKey;
    private final CleverPushSandboxChannel channel;
    private final List<ReceivedRequest> requests = Collections.synchronizedList(new ArrayList<>());

    public CleverPushSimulator(SandboxCleverPushProperties account) {
        this.account = account;
        this.apiKey = account.apiKey().getBytes(StandardCharsets.UTF_8);
        this.channel = new CleverPushSandboxChannel(account);
    }

    // --- vendor calls ---

    @GetMapping("/channels")
    public ResponseEntity<Map<String, Object>> channels(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = ResponseEntity.ok(body("channels",
                    List.of(body("_id", channel.id(), "name", CHANNEL_NAME))));
        }
        return logged("GET", "/channels", answer);
    }

    @GetMapping("/channel/{channelId}/tags")
    public ResponseEntity<Map<String, Object>> channelTags(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @PathVariable String channelId) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = channel.is(channelId) ? ResponseEntity.ok(body("tags", channel.tagList("_id")))
                    : channelNotFound();
        }
        return logged("GET", "/channel/" + channelId + "/tags", answer);
    }

    @GetMapping("/channel/{channelId}/config")
    public ResponseEntity<Map<String, Object>> channelConfig(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @PathVariable String channelId) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            if (channel.is(channelId)) {
                answer = ResponseEntity.ok(body("_id", channelId, "name", CHANNEL_NAME,
                        "channelTags", channel.tagList("id"), "customAttributes", channel.attributeList()));
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
            answer = channel.is(channelId) ? syncChecked(channelId, body) : channelNotFound();
        }
        return logged("POST", "/subscription/sync/" + channelId, answer);
    }

    @PostMapping("/subscription/unsubscribe")
    public ResponseEntity<Map<String, Object>> unsubscribe(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) String body) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = onSubscription(body, null, (subscriptionId, tagId) -> channel.unsubscribe(subscriptionId));
        }
        return logged("POST", "/subscription/unsubscribe", answer);
    }

    @PostMapping("/subscription/tag")
    public ResponseEntity<Map<String, Object>> tag(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) String body) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = onSubscription(body, "tagId", channel::tag);
        }
        return logged("POST", "/subscription/tag", answer);
    }

    @PostMapping("/subscription/untag")
    public ResponseEntity<Map<String, Object>> untag(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) String body) {
        ResponseEntity<Map<String, Object>> answer = checkAuth(authorization);
        if (answer == null) {
            answer = onSubscription(body, "tagId", channel::untag);
        }
        return logged("POST", "/subscription/untag", answer);
    }

    // --- read-only views and reset ---

    @GetMapping("/subscriptions")
    public Map<String, Map<String, Object>> subscriptions() {
        return channel.subscriptions();
    }

    @GetMapping("/subscriptions/{id}")
    public ResponseEntity<Map<String, Object>> subscription(@PathVariable String id) {
        Map<String, Object> view = channel.subscription(id);
        return view == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(view);
    }

    @GetMapping("/requests")
    public List<ReceivedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @DeleteMapping
    public ResponseEntity<Void> reset() {
        channel.seed();
        requests.clear();
        return ResponseEntity.noContent().build();
    }

    // --- behaviour ---

    private ResponseEntity<Map<String, Object>> findChecked(String channelId, String attributeId, String value) {
        String[][] params = {{"channelId", channelId}, {"attributeId", attributeId}, {"attribute_value", value}};
        for (String[] param : params) {
            if (param[1] == null || param[1].isBlank()) {
                return error(HttpStatus.BAD_REQUEST, "The query parameter " + param[0] + " is required");
            }
        }
        if (!channel.is(channelId)) {
            return channelNotFound();
        }
        Map<String, Object> subscription = channel.find(attributeId, value);
        return subscription == null ? error(HttpStatus.NOT_FOUND, "Subscription not found")
                : ResponseEntity.ok(body("subscription", subscription));
    }

    private ResponseEntity<Map<String, Object>> syncChecked(String channelId, String rawBody) {
        JsonNode body = parse(rawBody);
        if (body == null) {
            return error(HttpStatus.BAD_REQUEST, "The request body must be a JSON object");
        }
        CleverPushSyncBody.Read read = CleverPushSyncBody.read(body, channelId, channel.customAttributes(),
                account.rejectedUserIdPrefix());
        if (read.error() != null) {
            return error(HttpStatus.BAD_REQUEST, read.error());
        }
        try {
            return ResponseEntity.ok(body("success", true, "id", channel.sync(read.body())));
        } catch (CleverPushSandboxChannel.Refused refused) {
            return error(refused.status, refused.getMessage());
        }
    }

    /** What unsubscribe and tag/untag do to a subscription; {@code tagId} is null for unsubscribe. */
    private interface Change {
        void apply(String subscriptionId, String tagId);
    }

    private ResponseEntity<Map<String, Object>> onSubscription(String rawBody, String tagField, Change change) {
        JsonNode body = parse(rawBody);
        if (body == null) {
            return error(HttpStatus.BAD_REQUEST, "The request body must be a JSON object");
        }
        JsonNode channelId = body.path("channelId");
        if (!channelId.isString()) {
            return error(HttpStatus.BAD_REQUEST, "channelId is required");
        }
        if (!channel.is(channelId.stringValue())) {
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
        try {
            change.apply(subscriptionId.stringValue(), tagId);
        } catch (CleverPushSandboxChannel.Refused refused) {
            return error(refused.status, refused.getMessage());
        }
        return ResponseEntity.ok(body("success", true));
    }

    // --- helpers ---

    private ResponseEntity<Map<String, Object>> checkAuth(String authorization) {
        if (authorization == null
                || !MessageDigest.isEqual(apiKey, authorization.getBytes(StandardCharsets.UTF_8))) {
            return error(HttpStatus.UNAUTHORIZED, "Invalid API key");
        }
        return null;
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
