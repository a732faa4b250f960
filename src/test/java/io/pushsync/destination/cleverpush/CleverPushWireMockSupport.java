package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
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
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
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
 * A WireMock server on 127.0.0.1 plays CleverPush; the real HTTP API is driven through MockMvc. Every test starts
 * with a default (lowest priority) 200 for the channel preflight and for every row call, so a test only stubs what
 * it is about. Subclasses add their own {@code @TestPropertySource} overrides (which shadow the ones here).
 */
@SpringBootTest
@AutoConfigureMockMvc
@EnableWireMock(@ConfigureWireMock(name = CleverPushWireMockSupport.MOCK, portProperties = "test.cleverpush-mock.port",
        configurationCustomizers = CleverPushWireMockSupport.Loopback.class))
@TestPropertySource(properties = {
        "pushsync.api-tokens=test-token",
        "pushsync.cleverpush.base-url=http://127.0.0.1:${test.cleverpush-mock.port}",
        // keep the suite fast: backoff from 10ms (Retry-After still wins), no local rate limiting in the way
        "resilience4j.retry.configs.cleverpush.wait-duration=10ms",
        "resilience4j.ratelimiter.configs.cleverpush.limit-for-period=100000",
        // the circuit breaker has its own tests; here a persistent failure must show the retry budget, not an open
        // circuit (1000 calls of window per account is small enough for the many accounts these tests create)
        "resilience4j.circuitbreaker.configs.cleverpush.sliding-window-size=1000",
        "resilience4j.circuitbreaker.configs.cleverpush.minimum-number-of-calls=1000",
})
abstract class CleverPushWireMockSupport {

    static final String MOCK = "cleverpush";
    static final String CHANNEL = "chanWire01";
    static final String API_KEY = "cp-private-key-5b1e93d7-SECRET";
    static final String UNSUBSCRIBE_PATH = "/subscription/unsubscribe";
    static final String TAG_ADD_PATH = "/subscription/tag";
    static final String TAG_REMOVE_PATH = "/subscription/untag";
    static final int CONFIGURED_LIMIT = 100000;

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

    @Autowired
    MockMvc mvc;

    @BeforeEach
    void resetWireMock() {
        wireMock.resetAll();
        wireMock.stubFor(get(urlPathMatching("/channel/.*")).atPriority(100)
                .willReturn(okJson("{\"_id\":\"channel\",\"name\":\"Test channel\"}")));
        wireMock.stubFor(post(urlPathMatching("/subscription/.*")).atPriority(100)
                .willReturn(okJson("{\"success\":true}")));
    }

    static String syncPath(String channelId) {
        return "/subscription/sync/" + channelId;
    }

    /** The channel check, which also lists the channel's tags. */
    static String channelPath(String channelId) {
        return "/channel/" + channelId + "/tags";
    }

    /** A channel id of its own, so that per-channel state (rate limiter, retries) starts fresh. */
    static String freshChannel(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- requests to pushsync ----

    static ObjectNode batch(String objectType, String mode, String channelId, List<ObjectNode> rows) {
        ObjectNode body = JSON.createObjectNode();
        body.put("syncId", "cleverpush-wiremock-tests");
        body.put("batchId", "batch-" + UUID.randomUUID());
        ObjectNode connection = body.putObject("connection");
        connection.put("channelId", channelId);
        connection.put("apiKey", API_KEY);
        body.put("objectType", objectType);
        body.put("mode", mode);
        ArrayNode arr = body.putArray("rows");
        rows.forEach(arr::add);
        return body;
    }

    static ObjectNode subscriptions(List<ObjectNode> rows) {
        return batch("subscriptions", "upsert", CHANNEL, rows);
    }

    /** A subscription row with a custom attribute {@code plan}, so that it is not skipped for having no field. */
    static ObjectNode subscription(String id, String change, String subscriptionId) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        if (change != null) {
            row.put("change", change);
        }
        ObjectNode fields = row.putObject("fields");
        fields.put("subscription_id", subscriptionId);
        fields.put("plan", "plan of " + subscriptionId);
        return row;
    }

    /** Rows {@code <idPrefix>i} with subscription ids {@code s-i}. */
    static List<ObjectNode> subscriptions(int n, String idPrefix) {
        List<ObjectNode> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(subscription(idPrefix + i, null, "s-" + i));
        }
        return rows;
    }

    static ObjectNode tagRow(String id, String change, String subscriptionId, JsonNode tags) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        if (change != null) {
            row.put("change", change);
        }
        ObjectNode fields = row.putObject("fields");
        fields.put("subscription_id", subscriptionId);
        fields.set("tags", tags);
        return row;
    }

    static ObjectNode tagRow(String id, String change, String subscriptionId, String tags) {
        return tagRow(id, change, subscriptionId, JSON.getNodeFactory().stringNode(tags));
    }

    String postBatchRaw(ObjectNode body) throws Exception {
        return mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/cleverpush/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    /** Posts a batch expecting {@code status}; returns the body. */
    String postExpecting(ObjectNode body, int status) throws Exception {
        return mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/cleverpush/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andExpect(status().is(status))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    /** Posts a batch, checks the invariants every answer keeps (one result per row, in order) and returns it. */
    JsonNode postBatch(ObjectNode body) throws Exception {
        String raw = postBatchRaw(body);
        assertThat(raw).as("the API key never appears in a response").doesNotContain(API_KEY);
        JsonNode response = JSON.readTree(raw);
        BatchAssertions.assertOneResultPerRowInOrder(body, response);
        return response;
    }

    // ---- what WireMock saw ----

    /** POST requests to {@code path}, oldest first. */
    List<LoggedRequest> requestsTo(String path) {
        List<LoggedRequest> requests = new ArrayList<>(wireMock.findAll(postRequestedFor(urlEqualTo(path))));
        requests.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return requests;
    }

    /** The channel preflights ({@code GET /channel/{id}/tags}) WireMock saw. */
    int channelChecks(String channelId) {
        return wireMock.findAll(getRequestedFor(urlEqualTo(channelPath(channelId)))).size();
    }

    /** The custom-attribute fetches ({@code GET /channel/{id}/config}) WireMock saw. */
    int channelConfigs(String channelId) {
        return wireMock.findAll(getRequestedFor(urlEqualTo("/channel/" + channelId + "/config"))).size();
    }

    /** Every row call (anything under {@code /subscription/}). */
    int rowCalls() {
        return wireMock.findAll(postRequestedFor(urlPathMatching("/subscription/.*"))).size();
    }

    /**
     * Serve events of POSTs to {@code path}, oldest first. WireMock records an answer's timing only after it has
     * sent it, so pushsync may have the last answer before its timing exists: wait (up to 5 s) until every event
     * has one.
     */
    List<ServeEvent> serveEventsTo(String path) {
        long until = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<ServeEvent> events = new ArrayList<>();
            for (ServeEvent e : wireMock.getAllServeEvents()) {
                if (e.getRequest().getUrl().equals(path) && e.getRequest().getMethod().getName().equals("POST")) {
                    events.add(e);
                }
            }
            events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
            if (System.nanoTime() > until || events.stream().allMatch(e -> e.getTiming() != null)) {
                return events;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return events;
            }
        }
    }

    static long startMillis(ServeEvent e) {
        return e.getRequest().getLoggedDate().getTime();
    }

    /** When WireMock finished sending the answer (after any configured delay). */
    static long endMillis(ServeEvent e) {
        return startMillis(e) + e.getTiming().getTotalTime();
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

    static String message(JsonNode result) {
        return result.get("error").get("message").asString();
    }
}
