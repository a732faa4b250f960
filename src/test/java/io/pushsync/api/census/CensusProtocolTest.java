package io.pushsync.api.census;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.pushsync.api.BatchRoom;
import io.pushsync.testsupport.FullBatchRoom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;
import org.wiremock.spring.WireMockConfigurationCustomizer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small Census client: every method's request exactly as docs/census-protocol.md shows it, sent to
 * {@code POST /census/{connection}?census_authentication=<token>} of the full app, whose named connections point at
 * WireMock servers on 127.0.0.1 (Xtremepush and CleverPush); answers are checked field by field.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest
@AutoConfigureMockMvc
@EnableWireMock({
        @ConfigureWireMock(name = "xtremepush", portProperties = "test.xtremepush-mock.port",
                configurationCustomizers = CensusProtocolTest.Loopback.class),
        @ConfigureWireMock(name = "cleverpush", portProperties = "test.cleverpush-mock.port",
                configurationCustomizers = CensusProtocolTest.Loopback.class)})
@TestPropertySource(properties = {
        "pushsync.api-tokens=" + CensusProtocolTest.TOKEN,
        "pushsync.xtremepush.regions.eu.base-url=http://127.0.0.1:${test.xtremepush-mock.port}",
        "pushsync.cleverpush.base-url=http://127.0.0.1:${test.cleverpush-mock.port}",
        "pushsync.xtremepush.chunk-size=50",
        "pushsync.batch.memory-wait=300ms",
        "resilience4j.retry.configs.xtremepush.wait-duration=10ms",
        "resilience4j.retry.configs.cleverpush.wait-duration=10ms",
        "resilience4j.ratelimiter.configs.xtremepush.limit-for-period=1000",
        "resilience4j.ratelimiter.configs.xtremepush.limit-refresh-period=1s",
        "resilience4j.ratelimiter.configs.cleverpush.limit-for-period=1000",
        "resilience4j.ratelimiter.configs.cleverpush.limit-refresh-period=1s",
        "resilience4j.circuitbreaker.configs.xtremepush.minimum-number-of-calls=1000",
        "resilience4j.circuitbreaker.configs.xtremepush.sliding-window-size=1000",
        "resilience4j.circuitbreaker.configs.cleverpush.minimum-number-of-calls=1000",
        "resilience4j.circuitbreaker.configs.cleverpush.sliding-window-size=1000",
        "pushsync.connections.xp.type=xtremepush",
        "pushsync.connections.xp.region=eu",
        "pushsync.connections.xp.app-token=xp-census-app-token",
        "pushsync.connections.xp.list-ids=123,456",
        // a named Xtremepush connection with an OAuth 2.0 client instead of an app token
        "pushsync.connections.xpo.type=xtremepush",
        "pushsync.connections.xpo.region=eu",
        "pushsync.connections.xpo.client-id=" + CensusProtocolTest.OAUTH_CLIENT,
        "pushsync.connections.xpo.client-secret=" + CensusProtocolTest.OAUTH_SECRET,
        "pushsync.connections.cp.type=cleverpush",
        "pushsync.connections.cp.channel-id=chanCensus01",
        "pushsync.connections.cp.api-key=cp-census-api-key",
})
class CensusProtocolTest {

    static final String TOKEN = "census-tok-8c1f0a2b-SECRET";
    static final String OAUTH_CLIENT = "census-oauth-client";
    static final String OAUTH_SECRET = "census-oauth-secret-+&=-SECRET";
    static final String TOKEN_PATH = "/api/oauth/token";
    static final String PROFILE_PATH = "/api/external/import/profile";
    static final String LIST_PATH = "/api/external/import/list";
    static final String CHECK_PATH = "/api/external/list/profile";
    static final String CP_SYNC = "/subscription/sync/chanCensus01";
    static final Set<String> TYPES = Set.of("string", "integer", "decimal", "float", "boolean", "date", "date_time");
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Binds WireMock to the loopback address only. */
    public static class Loopback implements WireMockConfigurationCustomizer {
        @Override
        public void customize(WireMockConfiguration configuration, ConfigureWireMock options) {
            configuration.bindAddress("127.0.0.1");
        }
    }

    @InjectWireMock("xtremepush")
    WireMockServer xtremepush;

    @InjectWireMock("cleverpush")
    WireMockServer cleverpush;

    @Autowired
    MockMvc mvc;

    @Autowired
    BatchRoom room;

    @BeforeEach
    void reset() {
        xtremepush.resetAll();
        cleverpush.resetAll();
        xtremepush.stubFor(post(urlPathMatching("/api/.*")).atPriority(100)
                .willReturn(okJson("{\"code\":200,\"success\":true,\"message\":\"ok\",\"data\":[]}")));
        cleverpush.stubFor(get(urlPathMatching("/channel/.*")).atPriority(100)
                .willReturn(okJson("{\"_id\":\"channel\",\"name\":\"Test channel\"}")));
        cleverpush.stubFor(post(urlPathMatching("/subscription/.*")).atPriority(100)
                .willReturn(okJson("{\"success\":true}")));
    }

    // ---- the client ----

    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    MockHttpServletResponse raw(String connection, String query, String body, String bearer) throws Exception {
        MockHttpServletRequestBuilder r = MockMvcRequestBuilders.post("/census/" + connection + query)
                .contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.USER_AGENT, "Census https://www.getcensus.com")
                .content(body.getBytes(StandardCharsets.UTF_8));
        if (bearer != null) {
            r.header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer);
        }
        return mvc.perform(r).andReturn().getResponse();
    }

    /** Sends a JSON-RPC request as Census does (token in the URL) and checks the envelope; returns the answer. */
    JsonNode rpc(String connection, String request) throws Exception {
        MockHttpServletResponse response = raw(connection, "?census_authentication=" + TOKEN, request, null);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).startsWith("application/json");
        JsonNode answer = JSON.readTree(response.getContentAsString(StandardCharsets.UTF_8));
        JsonNode sent = JSON.readTree(request);
        assertThat(answer.get("jsonrpc").asString()).isEqualTo("2.0");
        assertThat(answer.get("id")).isEqualTo(sent.get("id") == null ? JSON.nullNode() : sent.get("id"));
        assertThat(answer.has("result") ^ answer.has("error")).isTrue();
        return answer;
    }

    JsonNode result(String connection, String request) throws Exception {
        JsonNode answer = rpc(connection, request);
        assertThat(answer.has("error")).as("error: %s", answer).isFalse();
        assertThat(answer.get("result").isObject()).isTrue();
        return answer.get("result");
    }

    int errorCode(String connection, String request) throws Exception {
        JsonNode answer = rpc(connection, request);
        assertThat(answer.get("error").get("code").isInt()).isTrue();
        assertThat(answer.get("error").get("message").isString()).isTrue();
        return answer.get("error").get("code").asInt();
    }

    static String object(String name) {
        return "{\"object_api_name\": \"" + name + "\", \"label\": \"" + name + "\"}";
    }

    static String field(String name, boolean identifier, String type, boolean array) {
        return "{\"field_api_name\": \"" + name + "\", \"label\": \"" + name + "\", \"identifier\": " + identifier
                + ", \"required\": " + identifier + ", \"createable\": true, \"updateable\": true, \"type\": \"" + type
                + "\", \"array\": " + array + "}";
    }

    static String plan(String object, String identifierField, String... otherFields) {
        StringBuilder schema = new StringBuilder("\"" + identifierField + "\": {\"active_identifier\": true, \"field\": "
                + field(identifierField, true, "string", false) + "}");
        for (String f : otherFields) {
            boolean array = f.equals("tags") || f.equals("topics");
            schema.append(", \"").append(f).append("\": {\"active_identifier\": false, \"field\": ")
                    .append(field(f, false, "string", array)).append("}");
        }
        return "{\"object\": " + object(object) + ", \"operation\": \"upsert\", \"schema\": {" + schema + "}}";
    }

    static String syncBatch(String object, String identifierField, String records, String... otherFields) {
        return "{\"jsonrpc\": \"2.0\", \"method\": \"sync_batch\", \"id\": \"" + newId() + "\", \"params\": {"
                + "\"sync_plan\": " + plan(object, identifierField, otherFields) + ", \"records\": " + records + "}}";
    }

    /** Checks every record result (JSON types, identifier echoed as sent) and returns them. */
    static JsonNode recordResults(JsonNode result, String records, String identifierField) {
        JsonNode sent = JSON.readTree(records);
        JsonNode results = result.get("record_results");
        assertThat(results.isArray()).isTrue();
        assertThat(results.size()).isEqualTo(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            JsonNode r = results.get(i);
            JsonNode expected = sent.get(i).get(identifierField);
            assertThat(r.get("identifier")).as("record %d", i).isEqualTo(expected == null ? JSON.nullNode() : expected);
            assertThat(r.get("success").isBoolean()).isTrue();
            if (!r.get("success").booleanValue()) {
                assertThat(r.get("error_message").isString()).isTrue();
                assertThat(r.get("error_message").asString()).matches("[a-z_]+: .+");
            }
        }
        return results;
    }

    // ---- the six methods, as the protocol document shows them ----

    @Test
    void aCallWithoutRoomInMemoryIs503ProblemDetailsUnreadThenIsAnsweredOnceThereIsRoom() throws Exception {
        String request = "{\"jsonrpc\":\"2.0\",\"method\":\"list_objects\",\"id\":\"" + newId()
                + "\",\"params\":{}}";
        MockHttpServletResponse refused;
        try (FullBatchRoom held = new FullBatchRoom(room)) { // batches holding the whole room
            refused = raw("xp", "?census_authentication=" + TOKEN, request, null);
        }
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getContentType()).startsWith("application/problem+json");
        assertThat(refused.getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(JSON.readTree(refused.getContentAsString(StandardCharsets.UTF_8)).get("type").asString())
                .isEqualTo("urn:pushsync:problem:batch-memory-full");
        assertThat(result("xp", request).get("objects").size()).isPositive();
    }

    @Test
    void testConnectionSucceedsAndFailsWithAMessage() throws Exception {
        String request = "{\"jsonrpc\": \"2.0\", \"method\": \"test_connection\", "
                + "\"id\": \"d33ded2672b7877ff833c317892d748c\", \"params\": {}}";
        JsonNode ok = result("xp", request);
        assertThat(ok.get("success").isBoolean()).isTrue();
        assertThat(ok.get("success").booleanValue()).isTrue();
        assertThat(ok.has("error_message")).isFalse();
        assertThat(xtremepush.findAll(postRequestedFor(urlEqualTo(CHECK_PATH)))).hasSize(1);

        cleverpush.stubFor(get(urlPathMatching("/channel/.*")).atPriority(1)
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"Invalid API key\"}")));
        JsonNode failed = result("cp", request);
        assertThat(failed.get("success").booleanValue()).isFalse();
        assertThat(failed.get("error_message").asString()).startsWith("destination_auth_failed: ");
    }

    @Test
    void listObjectsGivesTheCatalogObjectsAndOneListObjectPerConfiguredList() throws Exception {
        String request = "{\"jsonrpc\":\"2.0\",\"method\":\"list_objects\",\"id\":\"6d2bd06835a565bee3e2250177f1d738\","
                + "\"params\":{}}";
        JsonNode xp = result("xp", request).get("objects");
        assertThat(names(xp)).containsExactly("user_profiles", "list_members_123", "list_members_456");
        JsonNode cp = result("cp", request).get("objects");
        assertThat(names(cp)).containsExactly("subscriptions", "subscriptions_by_user_id", "tags", "tags_by_user_id");
        for (JsonNode o : List.of(xp, cp)) {
            o.forEach(n -> {
                assertThat(n.get("object_api_name").isString()).isTrue();
                assertThat(n.get("label").isString()).isTrue();
            });
        }
    }

    private static List<String> names(JsonNode objects) {
        List<String> names = new ArrayList<>();
        objects.forEach(o -> names.add(o.get("object_api_name").asString()));
        return names;
    }

    @Test
    void listFieldsGivesEightKeysPerFieldAndExactlyOneIdentifier() throws Exception {
        String[][] cases = {{"xp", "user_profiles", "user_id"}, {"xp", "list_members_456", "identifier"},
                {"cp", "subscriptions", "subscription_id"}, {"cp", "tags", "subscription_id"},
                {"cp", "tags_by_user_id", "user_id"}, {"cp", "subscriptions_by_user_id", "user_id"}};
        for (String[] c : cases) {
            String request = "{\"jsonrpc\": \"2.0\", \"method\": \"list_fields\", \"id\": \"" + newId() + "\", "
                    + "\"params\": {\"object\": " + object(c[1]) + "}}";
            JsonNode fields = result(c[0], request).get("fields");
            assertThat(fields.size()).isPositive();
            List<String> identifiers = new ArrayList<>();
            for (JsonNode f : fields) {
                assertThat(f.propertyNames()).containsExactlyInAnyOrder("field_api_name", "label", "identifier",
                        "required", "createable", "updateable", "type", "array");
                assertThat(f.get("field_api_name").isString()).isTrue();
                assertThat(f.get("label").isString()).isTrue();
                for (String b : List.of("identifier", "required", "createable", "updateable", "array")) {
                    assertThat(f.get(b).isBoolean()).as("%s of %s", b, f).isTrue();
                }
                assertThat(TYPES).contains(f.get("type").asString());
                if (f.get("identifier").booleanValue()) {
                    identifiers.add(f.get("field_api_name").asString());
                    assertThat(f.get("required").booleanValue()).isTrue();
                    assertThat(f.get("array").booleanValue()).isFalse();
                    assertThat(f.get("type").asString()).isIn("string", "integer");
                }
            }
            assertThat(identifiers).as(c[1]).containsExactly(c[2]);
            if (c[1].equals("tags")) {
                JsonNode tags = fieldNamed(fields, "tags");
                assertThat(tags.get("array").booleanValue()).isTrue();
                assertThat(tags.get("required").booleanValue()).isTrue();
            }
        }
        JsonNode profile = result("xp", "{\"jsonrpc\": \"2.0\", \"method\": \"list_fields\", \"id\": \"" + newId()
                + "\", \"params\": {\"object\": " + object("user_profiles") + "}}").get("fields");
        assertThat(fieldNamed(profile, "email_subscription").get("type").asString()).isEqualTo("boolean");
        assertThat(fieldNamed(profile, "device_id").get("required").booleanValue()).isFalse();
    }

    private static JsonNode fieldNamed(JsonNode fields, String name) {
        for (JsonNode f : fields) {
            if (f.get("field_api_name").asString().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name + " in " + fields);
    }

    @Test
    void supportedOperationsIsUpsert() throws Exception {
        String request = "{\"jsonrpc\": \"2.0\", \"method\": \"supported_operations\", "
                + "\"id\": \"f6a21a592299ee8ff705354b12f30b4d\", \"params\": {\"object\": " + object("tags") + "}}";
        JsonNode ops = result("cp", request).get("operations");
        assertThat(ops.isArray()).isTrue();
        assertThat(ops.size()).isEqualTo(1);
        assertThat(ops.get(0).asString()).isEqualTo("upsert");
    }

    @Test
    void getSyncSpeedFollowsChunkSizeConcurrencyAndRateLimitWithOrWithoutAPlan() throws Exception {
        String withPlan = "{\"jsonrpc\": \"2.0\", \"method\": \"get_sync_speed\", "
                + "\"id\": \"fca4af985ea367a22bec9cb6fc31676f\", \"params\": {\"sync_plan\": "
                + plan("user_profiles", "user_id", "email") + "}}";
        String withoutPlan = "{\"jsonrpc\": \"2.0\", \"method\": \"get_sync_speed\", \"id\": \"" + newId()
                + "\", \"params\": {}}";
        for (String request : List.of(withPlan, withoutPlan)) {
            JsonNode xp = result("xp", request);
            assertSpeed(xp, 50, 2, 50_000); // chunk-size 50; 1000 requests/s; 50 rows each; 2 chunks in flight
            JsonNode cp = result("cp", request);
            assertSpeed(cp, 100, 125, 1000); // one row per request; 1000/s over concurrency 8
        }
    }

    private static void assertSpeed(JsonNode speed, int batch, int parallel, int perSecond) {
        assertThat(speed.propertyNames()).containsExactlyInAnyOrder("maximum_batch_size", "maximum_parallel_batches",
                "maximum_records_per_second");
        speed.forEach(v -> assertThat(v.isIntegralNumber()).isTrue());
        assertThat(speed.get("maximum_batch_size").asInt()).isEqualTo(batch);
        assertThat(speed.get("maximum_parallel_batches").asInt()).isEqualTo(parallel);
        assertThat(speed.get("maximum_records_per_second").asInt()).isEqualTo(perSecond);
    }

    // ---- sync_batch: Xtremepush ----

    @Test
    void xtremepushProfilesSucceedARejectedRowAndAnInvalidRowFailAlone() throws Exception {
        xtremepush.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).withRequestBody(containing("\"u-bad\""))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":400,\"success\":false,\"message\":\"Import failed\","
                                + "\"errors\":{\"user_id\":[\"u-bad is blocked\"]}}")));
        String records = "[{\"user_id\": \"u-1\", \"email\": \"a@example.com\", \"email_subscription\": true},"
                + " {\"user_id\": \"u-bad\", \"first_name\": \"Bo\"},"
                + " {\"email\": \"c@example.com\"},"
                + " {\"user_id\": \"u-4\", \"email\": null, \"first_name\": \"Ann\"}]";

        JsonNode results = recordResults(result("xp", syncBatch("user_profiles", "user_id", records, "email")),
                records, "user_id");

        assertThat(results.get(0).get("success").booleanValue()).as("%s", results).isTrue();
        assertThat(results.get(0).has("error_message")).isFalse();
        assertThat(results.get(1).get("success").booleanValue()).isFalse();
        assertThat(results.get(1).get("error_message").asString()).startsWith("rejected_by_destination: ");
        assertThat(results.get(2).get("success").booleanValue()).isFalse();
        assertThat(results.get(2).get("error_message").asString()).startsWith("missing_required_field: ");
        assertThat(results.get(3).get("success").booleanValue()).as("%s", results).isTrue();
    }

    /** An import creates the profile: a record with only its identifier is sent, and succeeds. */
    @Test
    void xtremepushProfileWithOnlyItsIdentifierIsSent() throws Exception {
        String records = "[{\"user_id\": \"u-only\"}, {\"user_id\": \"u-null\", \"email\": null}]";
        JsonNode results = recordResults(result("xp", syncBatch("user_profiles", "user_id", records, "email")),
                records, "user_id");
        assertThat(results).allMatch(r -> r.get("success").booleanValue() && !r.has("error_message"));
        var calls = xtremepush.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH)));
        assertThat(calls).isNotEmpty();
        assertThat(calls.stream().map(c -> c.getBodyAsString()).toList().toString()).contains("u-only", "u-null");
    }

    /**
     * A named connection with an OAuth 2.0 client: test_connection and sync_batch share one access token, fetched
     * with the client credentials; every import carries it as a Bearer token (no apptoken) and every record is
     * delivered.
     */
    @Test
    void xtremepushNamedConnectionWithAnOAuthClientFetchesATokenAndDeliversTheRecords() throws Exception {
        String accessToken = "census-access-" + newId() + "-TOKEN";
        xtremepush.stubFor(post(urlEqualTo(TOKEN_PATH)).atPriority(1).willReturn(okJson("{\"access_token\": \""
                + accessToken + "\", \"token_type\": \"Bearer\", \"expires_in\": 3600}")));
        xtremepush.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).withHeader(HttpHeaders.AUTHORIZATION,
                        equalTo("Bearer " + accessToken))
                .willReturn(okJson("{\"code\":200,\"success\":true,\"message\":\"ok\"}")));
        xtremepush.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(2)
                .willReturn(aResponse().withStatus(401).withBody("{\"code\":401,\"message\":\"no token\"}")));

        JsonNode check = result("xpo", "{\"jsonrpc\": \"2.0\", \"method\": \"test_connection\", \"id\": \""
                + newId() + "\", \"params\": {}}");
        assertThat(check.get("success").booleanValue()).as("%s", check).isTrue();

        StringBuilder records = new StringBuilder("[");
        for (int i = 0; i < 120; i++) { // chunk-size 50: three imports
            records.append(i == 0 ? "" : ", ").append("{\"user_id\": \"oauth-u-").append(i)
                    .append("\", \"language\": \"en\"}");
        }
        String recordsJson = records.append("]").toString();
        JsonNode answer = rpc("xpo", syncBatch("user_profiles", "user_id", recordsJson));
        JsonNode results = recordResults(answer.get("result"), recordsJson, "user_id");

        assertThat(results).as("%s", results).allMatch(r -> r.get("success").booleanValue());
        var tokenRequests = xtremepush.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH)));
        assertThat(tokenRequests).as("one token for the check and the batch's chunks").hasSize(1);
        assertThat(tokenRequests.get(0).getHeader(HttpHeaders.CONTENT_TYPE))
                .startsWith("application/x-www-form-urlencoded");
        assertThat(tokenRequests.get(0).getBodyAsString()).isEqualTo("grant_type=client_credentials&client_id="
                + OAUTH_CLIENT + "&client_secret=" + java.net.URLEncoder.encode(OAUTH_SECRET, StandardCharsets.UTF_8));
        var imports = xtremepush.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH)));
        assertThat(imports).hasSize(3);
        List<String> delivered = new ArrayList<>();
        for (var call : imports) {
            assertThat(call.getHeader(HttpHeaders.AUTHORIZATION)).isEqualTo("Bearer " + accessToken);
            JsonNode body = JSON.readTree(call.getBodyAsString());
            assertThat(body.has("apptoken")).isFalse();
            List<String> columns = new ArrayList<>();
            body.get("columns").forEach(c -> columns.add(c.asString()));
            int userId = columns.indexOf("user_id");
            assertThat(userId).as("%s", columns).isNotNegative();
            body.get("rows").forEach(row -> delivered.add(row.get(userId).asString()));
        }
        assertThat(delivered).hasSize(120).doesNotHaveDuplicates().allMatch(id -> id.startsWith("oauth-u-"));
        assertThat(answer.toString()).doesNotContain(OAUTH_SECRET).doesNotContain(accessToken);
    }

    @Test
    void xtremepushListMembersGoToTheListOfTheObject() throws Exception {
        String records = "[{\"identifier\": \"m-1\"}, {\"identifier\": \"m-2\"}]";
        JsonNode results = recordResults(result("xp", syncBatch("list_members_456", "identifier", records)), records,
                "identifier");
        assertThat(results).allMatch(r -> r.get("success").booleanValue());
        var calls = xtremepush.findAll(postRequestedFor(urlEqualTo(LIST_PATH)));
        assertThat(calls).isNotEmpty();
        assertThat(calls.get(0).getBodyAsString()).contains("456", "m-1", "m-2");
    }

    @Test
    void xtremepush401FailsEveryRecordWithTheCause() throws Exception {
        xtremepush.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).willReturn(aResponse().withStatus(401)
                .withBody("{\"code\":401,\"success\":false,\"message\":\"Invalid app token\"}")));
        String records = "[{\"user_id\": \"u-1\", \"language\": \"en\"}, {\"user_id\": \"u-2\", \"language\": \"de\"}]";
        JsonNode results = recordResults(result("xp", syncBatch("user_profiles", "user_id", records)), records,
                "user_id");
        assertThat(results).allMatch(r -> !r.get("success").booleanValue()
                && r.get("error_message").asString().startsWith("destination_auth_failed: ")
                && r.get("error_message").asString().contains("Invalid app token"));
    }

    @Test
    void xtremepush429ThenSuccess() throws Exception {
        xtremepush.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).inScenario("429")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("open").willReturn(aResponse().withStatus(429)
                        .withBody("{\"code\":429,\"success\":false,\"message\":\"Too many requests\"}")));
        String records = "[{\"user_id\": \"u-1\", \"language\": \"en\"}, {\"user_id\": \"u-2\", \"language\": \"de\"}]";
        JsonNode results = recordResults(result("xp", syncBatch("user_profiles", "user_id", records)), records,
                "user_id");
        assertThat(results).allMatch(r -> r.get("success").booleanValue());
        assertThat(xtremepush.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH)))).hasSize(2);
    }

    @Test
    void theSameRecordsSentTwiceGetTheSameAnswer() throws Exception {
        String records = "[{\"user_id\": \"u-rep-1\", \"language\": \"en\"}, {\"user_id\": \"u-rep-2\", \"language\": \"en\"}]";
        String call = syncBatch("user_profiles", "user_id", records);
        JsonNode first = result("xp", call);
        JsonNode second = result("xp", call);
        assertThat(second).isEqualTo(first);
        assertThat(xtremepush.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH)))).hasSize(1);
    }

    /** A retry by Census carries a new request id: it runs again (a failure is never replayed to it). */
    @Test
    void theSameRecordsUnderANewRequestIdRunAgain() throws Exception {
        String records = "[{\"user_id\": \"u-retry-1\", \"language\": \"en\"}]";
        JsonNode first = result("xp", syncBatch("user_profiles", "user_id", records));
        JsonNode second = result("xp", syncBatch("user_profiles", "user_id", records));
        assertThat(second).isEqualTo(first);
        assertThat(xtremepush.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH)))).hasSize(2);
    }

    /**
     * The members of the call and of its params may come in any order (the call is read as a stream): params before
     * method and id, records before sync_plan; each order gets the same answer, with the id echoed.
     */
    @Test
    void membersInAnyOrderGetTheSameAnswer() throws Exception {
        String records = "[{\"user_id\": \"u-ord-1\", \"language\": \"en\"}, {\"email\": \"c@example.com\"},"
                + " {\"user_id\": \"u-ord-3\", \"language\": \"de\"}]";
        String plan = plan("user_profiles", "user_id", "email");
        List<String> calls = List.of(
                "{\"jsonrpc\": \"2.0\", \"method\": \"sync_batch\", \"id\": \"" + newId() + "\", \"params\": "
                        + "{\"sync_plan\": " + plan + ", \"records\": " + records + "}}",
                "{\"params\": {\"records\": " + records + ", \"sync_plan\": " + plan + "}, \"id\": \"" + newId()
                        + "\", \"method\": \"sync_batch\", \"jsonrpc\": \"2.0\"}",
                "{\"id\": \"" + newId() + "\", \"params\": {\"records\": " + records + ", \"sync_plan\": " + plan
                        + "}, \"jsonrpc\": \"2.0\", \"method\": \"sync_batch\"}");
        List<JsonNode> answers = new ArrayList<>();
        for (String call : calls) {
            answers.add(recordResults(result("xp", call), records, "user_id"));
        }
        assertThat(answers).allMatch(a -> a.equals(answers.get(0)));
        JsonNode results = answers.get(0);
        assertThat(results.get(0).get("success").booleanValue()).as("%s", results).isTrue();
        assertThat(results.get(1).get("error_message").asString()).startsWith("missing_required_field: ");
        assertThat(results.get(2).get("success").booleanValue()).isTrue();
        var imports = xtremepush.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH)));
        assertThat(imports).hasSize(3).allSatisfy(c -> assertThat(c.getBodyAsString()).contains("u-ord-1", "u-ord-3"));
    }

    /**
     * A record with more fields than pushsync.batch.max-fields-per-row fails alone also when the records come before
     * the sync_plan, and is answered with its identifier: the values of the fields a plan can name as the
     * identifier are kept for every record until the plan is read.
     */
    @Test
    void aRecordOverTheFieldLimitBeforeThePlanFailsAlone() throws Exception {
        StringBuilder wide = new StringBuilder("{\"user_id\": \"u-wide\"");
        for (int i = 0; i < 250; i++) {
            wide.append(", \"w").append(i).append("\": \"x\"");
        }
        String records = "[" + wide + "}, {\"user_id\": \"u-narrow\", \"language\": \"en\"}]";
        String call = "{\"jsonrpc\": \"2.0\", \"method\": \"sync_batch\", \"id\": \"" + newId() + "\", "
                + "\"params\": {\"records\": " + records + ", \"sync_plan\": " + plan("user_profiles", "user_id")
                + "}}";

        JsonNode results = result("xp", call).get("record_results");

        assertThat(results.size()).isEqualTo(2);
        assertThat(results.get(0).get("success").booleanValue()).isFalse();
        assertThat(results.get(0).get("error_message").asString())
                .contains("the row has 251 fields; at most 200 are accepted");
        assertThat(results.get(0).get("identifier").asString()).isEqualTo("u-wide");
        assertThat(results.get(1).get("success").booleanValue()).as("%s", results).isTrue();
        assertThat(results.get(1).get("identifier").asString()).isEqualTo("u-narrow");
    }

    // ---- sync_batch: CleverPush ----

    @Test
    void cleverPushSubscriptionsSucceedARejectedRowAndAnInvalidRowFailAlone() throws Exception {
        cleverpush.stubFor(post(urlEqualTo(CP_SYNC)).atPriority(1).withRequestBody(containing("sub-bad"))
                .willReturn(aResponse().withStatus(400)
                        .withBody("{\"error\":\"A new subscription needs an email, phone or token\"}")));
        String records = "[{\"subscription_id\": \"sub-1\", \"email\": \"a@example.com\"},"
                + " {\"subscription_id\": \"sub-bad\", \"email\": \"bad@example.com\"}, {\"email\": \"x@example.com\"}]";
        JsonNode results = recordResults(result("cp", syncBatch("subscriptions", "subscription_id", records,
                "email")), records, "subscription_id");
        assertThat(results.get(0).get("success").booleanValue()).isTrue();
        assertThat(results.get(1).get("error_message").asString()).startsWith("rejected_by_destination: ")
                .contains("A new subscription needs an email, phone or token");
        assertThat(results.get(2).get("error_message").asString()).startsWith("missing_required_field: ");
    }

    @Test
    void cleverPushTagsAreAdded() throws Exception {
        String records = "[{\"subscription_id\": \"sub-1\", \"tags\": [\"vip\", \"beta\"]}]";
        JsonNode results = recordResults(result("cp", syncBatch("tags", "subscription_id", records, "tags")), records,
                "subscription_id");
        assertThat(results.get(0).get("success").booleanValue()).isTrue();
        assertThat(cleverpush.findAll(postRequestedFor(urlEqualTo("/subscription/tag")))).hasSize(2);
    }

    /**
     * A CleverPush object keyed by {@code user_id} ({@code tags_by_user_id}): pushsync looks the native subscription
     * id up ({@code subscriptionIdKind=user_id}) and answers per record by the user id.
     */
    @Test
    void cleverPushTagsKeyedByUserIdAreResolvedToTheNativeSubscription() throws Exception {
        cleverpush.stubFor(get(urlPathEqualTo("/subscription")).atPriority(1)
                .withQueryParam("attribute_value", equalTo("crm-77"))
                .willReturn(okJson("{\"_id\": \"native-77\"}")));
        cleverpush.stubFor(get(urlPathEqualTo("/subscription")).atPriority(1)
                .withQueryParam("attribute_value", equalTo("crm-missing"))
                .willReturn(aResponse().withStatus(404)));
        String records = "[{\"user_id\": \"crm-77\", \"tags\": [\"vip\"]},"
                + " {\"user_id\": \"crm-missing\", \"tags\": [\"vip\"]}]";

        JsonNode results = recordResults(result("cp", syncBatch("tags_by_user_id", "user_id", records, "tags")),
                records, "user_id");

        assertThat(results.get(0).get("success").booleanValue()).isTrue();
        assertThat(results.get(1).get("error_message").asString()).startsWith("subscription_not_found: ");
        assertThat(cleverpush.findAll(postRequestedFor(urlEqualTo("/subscription/tag")))).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains("\"subscriptionId\":\"native-77\""));
    }

    /** The same, with the records before the sync_plan: the alias is renamed once the plan has been read. */
    @Test
    void cleverPushTagsKeyedByUserIdWithTheRecordsFirst() throws Exception {
        cleverpush.stubFor(get(urlPathEqualTo("/subscription")).atPriority(1)
                .withQueryParam("attribute_value", equalTo("crm-78"))
                .willReturn(okJson("{\"_id\": \"native-78\"}")));
        String records = "[{\"tags\": [\"vip\"], \"user_id\": \"crm-78\"}]";
        String call = "{\"id\": \"" + newId() + "\", \"method\": \"sync_batch\", \"params\": {\"records\": "
                + records + ", \"sync_plan\": " + plan("tags_by_user_id", "user_id", "tags")
                + "}, \"jsonrpc\": \"2.0\"}";

        JsonNode results = recordResults(result("cp", call), records, "user_id");

        assertThat(results.get(0).get("success").booleanValue()).as("%s", results).isTrue();
        assertThat(cleverpush.findAll(postRequestedFor(urlEqualTo("/subscription/tag")))).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains("\"subscriptionId\":\"native-78\""));
    }

    /**
     * A record skipped because there is nothing to do ({@code no_fields}: no tag left, or nothing but the
     * subscription id) is a success for Census: reported as failed, Census would retry it on every sync, forever.
     */
    @Test
    void recordsSkippedWithNothingToDoAreSuccesses() throws Exception {
        String tagRecords = "[{\"subscription_id\": \"sub-1\", \"tags\": [\"vip\"]},"
                + " {\"subscription_id\": \"sub-2\", \"tags\": []},"
                + " {\"subscription_id\": \"sub-3\", \"tags\": [\" \", \"\"]},"
                + " {\"tags\": [\"vip\"]}]";
        JsonNode tags = recordResults(result("cp", syncBatch("tags", "subscription_id", tagRecords, "tags")),
                tagRecords, "subscription_id");
        for (int i = 0; i < 3; i++) {
            assertThat(tags.get(i).get("success").booleanValue()).as("%s", tags).isTrue();
            assertThat(tags.get(i).has("error_message")).as("%s", tags).isFalse();
        }
        assertThat(tags.get(3).get("success").booleanValue()).as("a failed record still fails").isFalse();
        assertThat(tags.get(3).get("error_message").asString()).startsWith("missing_required_field: ");
        assertThat(cleverpush.findAll(postRequestedFor(urlEqualTo("/subscription/tag")))).as("only sub-1's tag")
                .hasSize(1);

        String subscriptionRecords = "[{\"subscription_id\": \"sub-4\", \"email\": \"  \"}]";
        JsonNode subscriptions = recordResults(result("cp", syncBatch("subscriptions", "subscription_id",
                subscriptionRecords, "email")), subscriptionRecords, "subscription_id");
        assertThat(subscriptions.get(0).get("success").booleanValue()).as("%s", subscriptions).isTrue();
        assertThat(subscriptions.get(0).has("error_message")).isFalse();
        assertThat(cleverpush.findAll(postRequestedFor(urlEqualTo(CP_SYNC)))).isEmpty();
    }

    @Test
    void cleverPush401FailsEveryRecordAnd429ThenSucceeds() throws Exception {
        cleverpush.stubFor(post(urlEqualTo(CP_SYNC)).atPriority(1).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":\"Invalid API key\"}")));
        String records = "[{\"subscription_id\": \"sub-1\", \"language\": \"en\"}, {\"subscription_id\": \"sub-2\", \"language\": \"en\"}]";
        JsonNode results = recordResults(result("cp", syncBatch("subscriptions", "subscription_id", records)),
                records, "subscription_id");
        assertThat(results).allMatch(r -> !r.get("success").booleanValue()
                && r.get("error_message").asString().startsWith("destination_auth_failed: ")
                && r.get("error_message").asString().contains("Invalid API key"));

        cleverpush.resetAll();
        reset();
        cleverpush.stubFor(post(urlEqualTo(CP_SYNC)).atPriority(1).inScenario("429")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("open")
                .willReturn(aResponse().withStatus(429).withBody("{\"error\":\"Too many requests\"}")));
        String more = "[{\"subscription_id\": \"sub-9\", \"language\": \"en\"}]";
        JsonNode ok = recordResults(result("cp", syncBatch("subscriptions", "subscription_id", more)), more,
                "subscription_id");
        assertThat(ok.get(0).get("success").booleanValue()).isTrue();
    }

    // ---- authentication, routing, JSON-RPC errors ----

    @Test
    void authenticationByQueryOrBearerElse401AndUnknownConnection404(CapturedOutput output) throws Exception {
        String request = "{\"jsonrpc\":\"2.0\",\"method\":\"supported_operations\",\"params\":{},\"id\":1}";
        assertThat(raw("xp", "?census_authentication=" + TOKEN, request, null).getStatus()).isEqualTo(200);
        assertThat(raw("xp", "", request, TOKEN).getStatus()).isEqualTo(200);
        MockHttpServletResponse none = raw("xp", "", request, null);
        assertThat(none.getStatus()).isEqualTo(401);
        MockHttpServletResponse wrong = raw("xp", "?census_authentication=wrong-" + TOKEN, request, null);
        assertThat(wrong.getStatus()).isEqualTo(401);
        assertThat(wrong.getContentAsString(StandardCharsets.UTF_8)).doesNotContain(TOKEN);
        assertThat(raw("xp", "", request, "wrong").getStatus()).isEqualTo(401);
        MockHttpServletResponse unknown = raw("nope", "?census_authentication=" + TOKEN, request, null);
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(unknown.getContentAsString(StandardCharsets.UTF_8)).doesNotContain(TOKEN)
                .contains("\"type\":\"urn:pushsync:problem:not-found\"");
        assertThat(raw("nope", "?census_authentication=wrong", request, null).getStatus()).isEqualTo(401);

        // a failing sync and an internal-looking error: no log line holds the token
        xtremepush.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).willReturn(aResponse().withStatus(500)));
        result("xp", syncBatch("user_profiles", "user_id", "[{\"user_id\": \"u-log\", \"language\": \"en\"}]"));
        errorCode("xp", "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"params\":{},\"id\":\"x\"}");
        assertThat(output.getAll()).contains("xtremepush").doesNotContain(TOKEN);
    }

    @Test
    void jsonRpcErrorsCarryTheRequestIdAndTheStandardCodes() throws Exception {
        MockHttpServletResponse parse = raw("xp", "?census_authentication=" + TOKEN, "{\"jsonrpc\": \"2.0\",", null);
        assertThat(parse.getStatus()).isEqualTo(200);
        JsonNode parsed = JSON.readTree(parse.getContentAsString(StandardCharsets.UTF_8));
        assertThat(parsed.get("error").get("code").asInt()).isEqualTo(-32700);
        assertThat(parsed.get("id").isNull()).isTrue();

        assertThat(errorCode("xp", "{\"method\":\"list_objects\",\"params\":{},\"id\":\"a1\"}")).isEqualTo(-32600);
        assertThat(errorCode("xp", "{\"jsonrpc\":\"1.0\",\"method\":\"list_objects\",\"params\":{},\"id\":\"a2\"}"))
                .isEqualTo(-32600);
        assertThat(errorCode("xp", "{\"jsonrpc\":\"2.0\",\"method\":7,\"params\":{},\"id\":\"a3\"}"))
                .isEqualTo(-32600);
        assertThat(errorCode("xp", "{\"jsonrpc\":\"2.0\",\"method\":\"list_objects\",\"params\":[],\"id\":3}"))
                .isEqualTo(-32600);
        assertThat(errorCode("xp", "{\"jsonrpc\":\"2.0\",\"method\":\"list_objects\",\"params\":{}}"))
                .isEqualTo(-32600);
        assertThat(errorCode("xp", "{\"jsonrpc\":\"2.0\",\"method\":\"get_object\",\"params\":{},\"id\":\"a4\"}"))
                .isEqualTo(-32601);
        assertThat(errorCode("xp", "{\"jsonrpc\":\"2.0\",\"method\":\"list_fields\",\"params\":{\"object\":"
                + object("venue") + "},\"id\":\"a5\"}")).isEqualTo(-32602);
        assertThat(errorCode("xp", "{\"jsonrpc\":\"2.0\",\"method\":\"sync_batch\",\"params\":{\"sync_plan\":"
                + plan("user_profiles", "user_id") + "},\"id\":\"a6\"}")).isEqualTo(-32602);
    }
}
