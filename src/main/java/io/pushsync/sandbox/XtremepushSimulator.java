package io.pushsync.sandbox;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Autowired;
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
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A simulated Xtremepush External API under {@code /sandbox/xtremepush/api/external/...}
 * ({@code import/profile}, {@code import/list}, {@code list/profile}), plus read-only views of what arrived:
 * {@code GET /sandbox/xtremepush/profiles}, {@code /profiles/{id}}, {@code /lists/{id}}, {@code /requests} (one line
 * per import or token request: path, items, status; never the app token, client secret or access token);
 * {@code DELETE /sandbox/xtremepush} resets it, issued access tokens included.
 *
 * <p>Every External API call authenticates in one of two ways, checked before anything else:
 * <ul>
 * <li>the app token as {@code "apptoken"} in the JSON body (400 when neither it nor a Bearer token is given, 401
 * {@code "invalid apptoken"});</li>
 * <li>{@code Authorization: Bearer <access token>}, with no {@code apptoken} in the body, the token issued by
 * {@code POST /api/oauth/token} and not expired (else 401 with {@code WWW-Authenticate: Bearer
 * error="invalid_token"}).</li>
 * </ul>
 * Both at once is a 400. Errors of the External API are {@code {"code", "success": false, "message"}}.
 *
 * <p>{@code POST /api/oauth/token} is the OAuth 2.0 client credentials grant as pushsync speaks it, answered by
 * {@link XtremepushTokens}, which also keeps the issued access tokens.
 */
@Profile("sandbox")
@RestController
@RequestMapping("/sandbox/xtremepush")
public class XtremepushSimulator {

    private static final Set<String> SYSTEM_FIELDS = Set.of("user_id", "device_id", "email", "mobile_number",
            "email_subscription", "sms_subscription", "first_name", "last_name", "language", "timezone", "country",
            "region", "city", "gender", "birthday");
    private static final int ASYNC_THRESHOLD = 100;
    private static final int MAX_RECORDS = 10_000;

    /** One received request, as the simulator saw it. */
    public record ReceivedRequest(String path, int items, int status) {
    }

    private final SandboxXtremepushProperties project;
    private final Map<String, Map<String, Object>> profiles = new ConcurrentHashMap<>();
    private final Map<Long, Set<String>> lists = new ConcurrentHashMap<>();
    private final List<ReceivedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong tasks = new AtomicLong();
    private final XtremepushTokens tokens;

    @Autowired
    public XtremepushSimulator(SandboxXtremepushProperties project) {
        this(project, Clock.systemUTC(), XtremepushTokens.MAX_ACCESS_TOKENS);
    }

    XtremepushSimulator(SandboxXtremepushProperties project, Clock clock, int maxAccessTokens) {
        this.project = project;
        this.tokens = new XtremepushTokens(project, clock, maxAccessTokens);
        project.lists().forEach(id -> lists.put(id, Collections.synchronizedSet(new LinkedHashSet<>())));
    }

    // --- OAuth 2.0 ---

    @PostMapping("/api/oauth/token")
    public ResponseEntity<Map<String, Object>> token(HttpServletRequest request,
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        ResponseEntity<Map<String, Object>> answer = tokens.token(request, authorization);
        requests.add(new ReceivedRequest("oauth/token", 0, answer.getStatusCode().value()));
        return answer;
    }

    /** How many issued access tokens are held (expired ones included until the next issue drops them). */
    int heldAccessTokens() {
        return tokens.held();
    }

    // --- External API ---

    @PostMapping("/api/external/import/profile")
    public ResponseEntity<Map<String, Object>> importProfiles(@RequestBody JsonNode body,
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        ResponseEntity<Map<String, Object>> answer = importProfilesChecked(body, authorization);
        JsonNode rows = body.path("rows");
        requests.add(new ReceivedRequest("import/profile", rows.isArray() ? rows.size() : 0,
                answer.getStatusCode().value()));
        return answer;
    }

    private ResponseEntity<Map<String, Object>> importProfilesChecked(JsonNode body, String authorization) {
        ResponseEntity<Map<String, Object>> denied = checkAuth(body, authorization);
        if (denied != null) {
            return denied;
        }
        JsonNode columns = body.path("columns");
        JsonNode rows = body.path("rows");
        if (!columns.isArray() || !rows.isArray()) {
            return error(HttpStatus.BAD_REQUEST, "columns and rows are required arrays");
        }
        List<String> cols = new ArrayList<>();
        columns.forEach(c -> cols.add(c.asString()));
        if (!cols.contains("user_id") && !cols.contains("device_id")) {
            return error(HttpStatus.BAD_REQUEST, "a user_id or device_id column is required");
        }
        for (String c : cols) {
            if (!SYSTEM_FIELDS.contains(c) && !project.customAttributes().contains(c)) {
                return error(HttpStatus.BAD_REQUEST, "unknown attribute key '" + c + "'");
            }
        }
        if (cols.contains("email") && !cols.contains("email_subscription")) {
            return error(HttpStatus.BAD_REQUEST, "email_subscription is required when email is set");
        }
        if (cols.contains("mobile_number") && !cols.contains("sms_subscription")) {
            return error(HttpStatus.BAD_REQUEST, "sms_subscription is required when mobile_number is set");
        }
        if (rows.size() > MAX_RECORDS) {
            return error(HttpStatus.BAD_REQUEST, "at most " + MAX_RECORDS + " records per request");
        }
        List<Map<String, Object>> parsed = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            if (!row.isArray() || row.size() != cols.size()) {
                return error(HttpStatus.BAD_REQUEST, "row " + r + " does not have " + cols.size() + " values");
            }
            Map<String, Object> profile = new LinkedHashMap<>();
            for (int c = 0; c < cols.size(); c++) {
                String col = cols.get(c);
                JsonNode v = row.get(c);
                if (col.endsWith("_subscription") && !(v.isIntegralNumber() && (v.intValue() == 0 || v.intValue() == 1))) {
                    return error(HttpStatus.BAD_REQUEST, "row " + r + ": " + col + " must be 1 or 0");
                }
                if (col.equals("mobile_number") && !(v.isIntegralNumber() || v.isNull())) {
                    return error(HttpStatus.BAD_REQUEST, "row " + r + ": mobile_number must be E.164 digits");
                }
                profile.put(col, v.isNull() ? null : v.isNumber() ? v.numberValue() : v.asString());
            }
            Object userId = profile.get("user_id");
            if (userId != null && userId.toString().startsWith(project.rejectedUserIdPrefix())) {
                return error(HttpStatus.BAD_REQUEST, "row " + r + ": user_id '" + userId + "' is refused");
            }
            parsed.add(profile);
        }
        for (Map<String, Object> p : parsed) {
            Object key = p.containsKey("user_id") ? p.get("user_id") : "device:" + p.get("device_id");
            profiles.merge(String.valueOf(key), p, (old, add) -> {
                Map<String, Object> merged = new LinkedHashMap<>(old);
                merged.putAll(add);
                return merged;
            });
        }
        if (parsed.size() >= ASYNC_THRESHOLD) {
            String taskId = "sbx-task-" + tasks.incrementAndGet();
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("code", 202, "success", true,
                    "message", "import of " + parsed.size() + " profiles queued", "data", Map.of("task_id", taskId)));
        }
        return ResponseEntity.ok(Map.of("code", 200, "success", true,
                "message", "imported " + parsed.size() + " profiles"));
    }

    @PostMapping("/api/external/import/list")
    public ResponseEntity<Map<String, Object>> importList(@RequestBody JsonNode body,
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        ResponseEntity<Map<String, Object>> answer = importListChecked(body, authorization);
        JsonNode items = body.path("items");
        requests.add(new ReceivedRequest("import/list", items.isArray() ? items.size() : 0,
                answer.getStatusCode().value()));
        return answer;
    }

    private ResponseEntity<Map<String, Object>> importListChecked(JsonNode body, String authorization) {
        ResponseEntity<Map<String, Object>> denied = checkAuth(body, authorization);
        if (denied != null) {
            return denied;
        }
        Set<String> members = lists.get(body.path("id").asLong(-1));
        if (members == null) {
            return error(HttpStatus.NOT_FOUND, "list " + body.path("id").asString() + " not found");
        }
        String mode = body.path("mode").asString("");
        if (!mode.equals("create") && !mode.equals("delete")) {
            return error(HttpStatus.BAD_REQUEST, "mode must be create or delete");
        }
        JsonNode items = body.path("items");
        if (!items.isArray()) {
            return error(HttpStatus.BAD_REQUEST, "items is a required array");
        }
        for (JsonNode item : items) {
            if (mode.equals("create")) {
                members.add(item.asString());
            } else {
                members.remove(item.asString());
            }
        }
        return ResponseEntity.ok(Map.of("code", 200, "success", true, "message",
                items.size() + " items " + (mode.equals("create") ? "added" : "removed")));
    }

    @PostMapping("/api/external/list/profile")
    public ResponseEntity<Map<String, Object>> listProfiles(@RequestBody JsonNode body,
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        ResponseEntity<Map<String, Object>> denied = checkAuth(body, authorization);
        if (denied != null) {
            return denied;
        }
        int limit = Math.max(1, body.path("limit").asInt(10));
        return ResponseEntity.ok(Map.of("code", 200, "success", true,
                "data", profiles.values().stream().limit(limit).toList()));
    }

    // --- views ---

    @GetMapping("/profiles")
    public Map<String, Map<String, Object>> profiles() {
        return profiles;
    }

    @GetMapping("/profiles/{id}")
    public ResponseEntity<Map<String, Object>> profile(@PathVariable String id) {
        Map<String, Object> p = profiles.get(id);
        return p == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(p);
    }

    @GetMapping("/lists/{id}")
    public ResponseEntity<Set<String>> list(@PathVariable long id) {
        Set<String> members = lists.get(id);
        if (members == null) {
            return ResponseEntity.notFound().build();
        }
        synchronized (members) {
            return ResponseEntity.ok(new LinkedHashSet<>(members));
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
        profiles.clear();
        requests.clear();
        lists.values().forEach(Set::clear);
        tokens.clear();
        return ResponseEntity.noContent().build();
    }

    /** Null when the call may proceed: an apptoken in the body, or else a live Bearer access token. */
    private ResponseEntity<Map<String, Object>> checkAuth(JsonNode body, String authorization) {
        String bearer = XtremepushTokens.credentials(authorization, XtremepushTokens.BEARER);
        if (bearer != null) {
            if (body.has("apptoken")) {
                return error(HttpStatus.BAD_REQUEST, "give either apptoken or a Bearer token, not both");
            }
            if (!tokens.accepts(bearer)) {
                ResponseEntity<Map<String, Object>> denied = error(HttpStatus.UNAUTHORIZED,
                        "unknown or expired access token");
                return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
                        .body(denied.getBody());
            }
            return null;
        }
        JsonNode token = body.path("apptoken");
        if (!token.isString() || token.stringValue().isBlank()) {
            return error(HttpStatus.BAD_REQUEST,
                    "apptoken (or an 'Authorization: Bearer' access token) is required");
        }
        if (!token.stringValue().equals(project.appToken())) {
            return error(HttpStatus.UNAUTHORIZED, "invalid apptoken");
        }
        return null;
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", status.value());
        body.put("success", false);
        body.put("message", message);
        return ResponseEntity.status(status).body(body);
    }
}
