package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;
import org.wiremock.spring.WireMockConfigurationCustomizer;
import io.pushsync.testsupport.BatchAssertions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * WireMock servers on 127.0.0.1 play Xtremepush (one per region); the real HTTP API is driven through
 * MockMvc. Subclasses add their own {@code @TestPropertySource} overrides (which shadow the ones here).
 */
@SpringBootTest
@AutoConfigureMockMvc
@EnableWireMock({
        @ConfigureWireMock(name = XtremepushWireMockSupport.MOCK, portProperties = "test.xtremepush-mock.port",
                configurationCustomizers = XtremepushWireMockSupport.Loopback.class),
        @ConfigureWireMock(name = XtremepushWireMockSupport.US_MOCK, portProperties = "test.xtremepush-us-mock.port",
                configurationCustomizers = XtremepushWireMockSupport.Loopback.class)})
@TestPropertySource(properties = {
        "pushsync.api-tokens=test-token",
        "pushsync.xtremepush.regions.eu.base-url=http://127.0.0.1:${test.xtremepush-mock.port}",
        "pushsync.xtremepush.regions.us.base-url=http://127.0.0.1:${test.xtremepush-us-mock.port}",
        // keep the suite fast: backoff from 10ms (Retry-After still wins), no local rate limiting in the way
        "resilience4j.retry.configs.xtremepush.wait-duration=10ms",
        "resilience4j.ratelimiter.configs.xtremepush.limit-for-period=100000",
        // the circuit breaker has its own tests; here a persistent failure must show the retry budget, not an open
        // circuit (1000 calls of window per account is small enough for the many accounts these tests create)
        "resilience4j.circuitbreaker.configs.xtremepush.sliding-window-size=1000",
        "resilience4j.circuitbreaker.configs.xtremepush.minimum-number-of-calls=1000",
})
abstract class XtremepushWireMockSupport {

    /** Plays the EU region, where every batch of these tests goes unless it names {@code us}. */
    static final String MOCK = "xtremepush";
    /** Plays the US region. */
    static final String US_MOCK = "xtremepush-us";
    static final String PROFILE_PATH = "/api/external/import/profile";
    static final String LIST_PATH = "/api/external/import/list";
    static final String CHECK_PATH = "/api/external/list/profile";
    static final String APP_TOKEN = "xp-app-token-7f3c9e21-SECRET";

    /** Binds WireMock to the loopback address only. */
    public static class Loopback implements WireMockConfigurationCustomizer {
        @Override
        public void customize(WireMockConfiguration configuration, ConfigureWireMock options) {
            configuration.bindAddress("127.0.0.1");
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    @InjectWireMock(MOCK)
    WireMockServer wireMock;

    @InjectWireMock(US_MOCK)
    WireMockServer usWireMock;

    @Autowired
    MockMvc mvc;

    @BeforeEach
    void resetWireMock() {
        wireMock.resetAll();
        usWireMock.resetAll();
    }

    // ---- requests to pushsync ----

    static ObjectNode batch(String objectType, String mode, ObjectNode options, List<ObjectNode> rows) {
        ObjectNode body = JSON.createObjectNode();
        body.put("syncId", "wiremock-tests");
        body.put("batchId", "batch-" + UUID.randomUUID());
        ObjectNode connection = body.putObject("connection");
        connection.put("region", "eu");
        connection.put("appToken", APP_TOKEN);
        body.put("objectType", objectType);
        body.put("mode", mode);
        if (options != null) {
            body.set("options", options);
        }
        ArrayNode arr = body.putArray("rows");
        rows.forEach(arr::add);
        return body;
    }

    static ObjectNode profiles(List<ObjectNode> rows) {
        return batch("user_profiles", "upsert", null, rows);
    }

    /** A profile row with {@code user_id} and a {@code first_name}. */
    static ObjectNode profile(String id, String userId) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        ObjectNode fields = row.putObject("fields");
        fields.put("user_id", userId);
        fields.put("first_name", "Name of " + userId);
        return row;
    }

    static List<ObjectNode> profiles(int n, String idPrefix) {
        List<ObjectNode> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(profile(idPrefix + i, "u-" + i));
        }
        return rows;
    }

    static ObjectNode member(String id, String change, String identifier) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        if (change != null) {
            row.put("change", change);
        }
        row.putObject("fields").put("identifier", identifier);
        return row;
    }

    static ObjectNode listOptions(long listId) {
        ObjectNode options = JSON.createObjectNode();
        options.put("listId", listId);
        return options;
    }

    String postBatchRaw(ObjectNode body) throws Exception {
        return mvc.perform(post("/v1/destinations/xtremepush/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    /** Posts a batch, checks the invariants every answer keeps (one result per row, in order) and returns it. */
    JsonNode postBatch(ObjectNode body) throws Exception {
        JsonNode response = JSON.readTree(postBatchRaw(body));
        BatchAssertions.assertOneResultPerRowInOrder(body, response);
        return response;
    }

    JsonNode checkConnection() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode connection = body.putObject("connection");
        connection.put("region", "eu");
        connection.put("appToken", APP_TOKEN);
        String raw = mvc.perform(post("/v1/destinations/xtremepush/connection-checks")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(raw).doesNotContain(APP_TOKEN);
        return JSON.readTree(raw);
    }

    // ---- what WireMock saw ----

    /** Requests to {@code path}, oldest first. */
    List<LoggedRequest> requestsTo(String path) {
        List<LoggedRequest> requests = new ArrayList<>(wireMock.findAll(postRequestedFor(urlEqualTo(path))));
        requests.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return requests;
    }

    int countRequests() {
        return wireMock.getAllServeEvents().size();
    }

    static JsonNode bodyOf(LoggedRequest request) {
        return JSON.readTree(request.getBodyAsString());
    }

    // ---- assertions on results (shared: io.pushsync.testsupport.BatchAssertions) ----

    static void assertSucceeded(JsonNode result) {
        BatchAssertions.assertSucceeded(result);
    }

    static void assertFailed(JsonNode result, String code, boolean retryable) {
        BatchAssertions.assertFailed(result, code, retryable);
    }

    static void assertAllFailed(JsonNode response, String code, boolean retryable) {
        BatchAssertions.assertAllFailed(response, code, retryable);
    }

    static void assertAllSucceeded(JsonNode response) {
        BatchAssertions.assertAllSucceeded(response);
    }

    static String envelope(int code, String message) {
        return "{\"code\":" + code + ",\"success\":" + (code < 300) + ",\"message\":\"" + message + "\"}";
    }
}
