package io.pushsync.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A simulated Xtremepush External API under {@code /sandbox/xtremepush/api/external/...}, plus read-only views of
 * what arrived: {@code GET /sandbox/xtremepush/profiles}, {@code /profiles/{id}}, {@code /lists/{id}},
 * {@code /requests} (one line per request, never the token); {@code DELETE /sandbox/xtremepush} resets it.
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

    public XtremepushSimulator(SandboxXtremepushProperties project) {
        this.project = project;
        project.lists().forEach(id -> lists.put(id, Collections.synchronizedSet(new LinkedHashSet<>())));
    }

    @PostMapping("/api/external/import/profile")
    public ResponseEntity<Map<String, Object>> importProfiles(@RequestBody JsonNode body) {
        ResponseEntity<Map<String, Object>> answer = importProfilesChecked(body);
        JsonNode rows = body.path("rows");
        requests.add(new ReceivedRequest("import/profile", rows.isArray() ? rows.size() : 0,
                answer.getStatusCode().value()));
        return answer;
    }

    private ResponseEntity<Map<String, Object>> importProfilesChecked(JsonNode body) {
        ResponseEntity<Map<String, Object>> denied = checkToken(body);
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
    public ResponseEntity<Map<String, Object>> importList(@RequestBody JsonNode body) {
        ResponseEntity<Map<String, Object>> answer = importListChecked(body);
        JsonNode items = body.path("items");
        requests.add(new ReceivedRequest("import/list", items.isArray() ? items.size() : 0,
                answer.getStatusCode().value()));
        return answer;
    }

    private ResponseEntity<Map<String, Object>> importListChecked(JsonNode body) {
        ResponseEntity<Map<String, Object>> denied = checkToken(body);
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
    public ResponseEntity<Map<String, Object>> listProfiles(@RequestBody JsonNode body) {
        ResponseEntity<Map<String, Object>> denied = checkToken(body);
        if (denied != null) {
            return denied;
        }
        int limit = Math.max(1, body.path("limit").asInt(10));
        return ResponseEntity.ok(Map.of("code", 200, "success", true,
                "data", profiles.values().stream().limit(limit).toList()));
    }

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
        return ResponseEntity.noContent().build();
    }

    private ResponseEntity<Map<String, Object>> checkToken(JsonNode body) {
        JsonNode token = body.path("apptoken");
        if (!token.isString() || token.stringValue().isBlank()) {
            return error(HttpStatus.BAD_REQUEST, "apptoken is required");
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
