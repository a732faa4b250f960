package io.pushsync.destination.cleverpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Named connections end to end: batches, jobs and connection checks that give {@code connectionRef} reach
 * CleverPush (WireMock) with the configured key; the wrong combinations are 400s; {@code GET /v1/connections} and
 * every answer, log line and metric keep the secrets out.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "pushsync.connections.cp-main.type=cleverpush",
        "pushsync.connections.cp-main.channel-id=" + CleverPushConnectionRefTest.REF_CHANNEL,
        "pushsync.connections.cp-main.api-key=" + CleverPushConnectionRefTest.REF_KEY,
        "pushsync.connections.xp-eu.type=xtremepush",
        "pushsync.connections.xp-eu.region=eu",
        "pushsync.connections.xp-eu.app-token=" + CleverPushConnectionRefTest.XP_TOKEN,
        "pushsync.connections.xp-eu.list-ids=42",
})
class CleverPushConnectionRefTest extends CleverPushWireMockSupport {

    static final String REF_CHANNEL = "chanRef01";
    static final String REF_KEY = "cp-named-key-3f9a0c-SECRET";
    static final String XP_TOKEN = "xp-named-token-77d1e2-SECRET";

    private final List<String> answers = new ArrayList<>();

    /** A subscriptions batch for {@code connectionRef} instead of {@code connection}. */
    static ObjectNode byRef(String ref, List<ObjectNode> rows) {
        ObjectNode body = batch("subscriptions", "upsert", "unused", rows);
        body.remove("connection");
        body.put("connectionRef", ref);
        return body;
    }

    private MockHttpServletResponse perform(MockHttpServletRequestBuilder request) throws Exception {
        MockHttpServletResponse response = mvc.perform(request.header(HttpHeaders.AUTHORIZATION, "Bearer test-token"))
                .andReturn().getResponse();
        answers.add(response.getContentAsString(StandardCharsets.UTF_8));
        return response;
    }

    private MockHttpServletResponse post(String path, JsonNode body) throws Exception {
        return perform(MockMvcRequestBuilders.post(path).contentType(MediaType.APPLICATION_JSON)
                .content(JSON.writeValueAsBytes(body)));
    }

    private JsonNode problem(String path, JsonNode body) throws Exception {
        MockHttpServletResponse response = post(path, body);
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        return JSON.readTree(response.getContentAsString(StandardCharsets.UTF_8));
    }

    private static void assertSecretsAbsent(String text) {
        assertThat(text).doesNotContain(REF_KEY).doesNotContain(XP_TOKEN);
    }

    /**
     * The service's own log lines (WireMock, a test fixture, prints the requests it got, key header included: that
     * is the vendor's side). There must be some, so that the check can fail.
     */
    private static void assertNoServiceLogLineHasASecret(CapturedOutput output) {
        List<String> serviceLines = Arrays.stream(output.getAll().split("\\R"))
                .filter(l -> l.contains("--- [pushsync]")).toList();
        assertThat(serviceLines).anyMatch(l -> l.contains("cleverpush"));
        serviceLines.forEach(CleverPushConnectionRefTest::assertSecretsAbsent);
    }

    @Test
    void aBatchByConnectionRefReachesCleverPushWithTheConfiguredKey(CapturedOutput output) throws Exception {
        ObjectNode body = byRef("cp-main", subscriptions(3, "r"));

        JsonNode response = postBatch(body);

        assertAllSucceeded(response);
        assertThat(response.at("/summary/succeeded").asInt()).isEqualTo(3);
        List<LoggedRequest> calls = requestsTo(syncPath(REF_CHANNEL));
        assertThat(calls).hasSize(3).allMatch(r -> REF_KEY.equals(r.getHeader("Authorization")));
        assertSecretsAbsent(response.toString());
        assertNoServiceLogLineHasASecret(output);
        MockHttpServletResponse metrics = mvc.perform(MockMvcRequestBuilders.get("/actuator/prometheus"))
                .andReturn().getResponse();
        assertThat(metrics.getStatus()).isEqualTo(200);
        String prometheus = metrics.getContentAsString(StandardCharsets.UTF_8);
        assertThat(prometheus).contains("pushsync_");
        assertSecretsAbsent(prometheus);
    }

    @Test
    void aJobByConnectionRefCompletes(CapturedOutput output) throws Exception {
        ObjectNode body = byRef("cp-main", subscriptions(4, "j"));
        MockHttpServletResponse submitted = post("/v1/destinations/cleverpush/jobs", body);
        assertThat(submitted.getStatus()).isEqualTo(202);
        String jobId = JSON.readTree(submitted.getContentAsString(StandardCharsets.UTF_8)).get("jobId").asString();

        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            MockHttpServletResponse s = perform(MockMvcRequestBuilders.get("/v1/jobs/" + jobId));
            last[0] = JSON.readTree(s.getContentAsString(StandardCharsets.UTF_8));
            return "completed".equals(last[0].get("state").asString());
        });

        assertThat(last[0].at("/summary/succeeded").asInt()).isEqualTo(4);
        MockHttpServletResponse results = perform(MockMvcRequestBuilders.get("/v1/jobs/" + jobId + "/results"));
        assertThat(results.getStatus()).isEqualTo(200);
        assertThat(wireMock.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(syncPath(REF_CHANNEL)))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.customAttributes.plan", com.github.tomakehurst.wiremock.client.WireMock.containing(
                                "plan of s-")))))
                .hasSizeGreaterThanOrEqualTo(4)
                .allMatch(r -> REF_KEY.equals(r.getHeader("Authorization")));
        answers.forEach(CleverPushConnectionRefTest::assertSecretsAbsent);
        assertNoServiceLogLineHasASecret(output);
    }

    @Test
    void aConnectionCheckByConnectionRefUsesTheConfiguredKey() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("connectionRef", "cp-main");

        MockHttpServletResponse response = post("/v1/destinations/cleverpush/connection-checks", body);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(JSON.readTree(response.getContentAsString(StandardCharsets.UTF_8)).get("ok").asBoolean()).isTrue();
        assertThat(channelChecks(REF_CHANNEL)).isGreaterThanOrEqualTo(1);
        assertThat(wireMock.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(channelPath(REF_CHANNEL)))))
                .allMatch(r -> REF_KEY.equals(r.getHeader("Authorization")));
        answers.forEach(CleverPushConnectionRefTest::assertSecretsAbsent);
    }

    @Test
    void connectionAndConnectionRefTogetherAreA400() throws Exception {
        ObjectNode body = batch("subscriptions", "upsert", CHANNEL, subscriptions(1, "r"));
        body.put("connectionRef", "cp-main");

        JsonNode problem = problem("/v1/destinations/cleverpush/batches", body);

        assertThat(problem.get("errors").toString()).contains("\"pointer\":\"/connectionRef\"", "not both");
        assertThat(problem("/v1/destinations/cleverpush/jobs", body).get("errors").toString())
                .contains("/connectionRef");
        assertThat(rowCalls()).isZero();
    }

    @Test
    void neitherConnectionNorConnectionRefIsA400() throws Exception {
        ObjectNode body = batch("subscriptions", "upsert", CHANNEL, subscriptions(1, "r"));
        body.remove("connection");

        JsonNode problem = problem("/v1/destinations/cleverpush/batches", body);

        assertThat(problem.get("errors").toString()).contains("\"pointer\":\"/connection\"", "connectionRef");
        assertThat(rowCalls()).isZero();
    }

    @Test
    void anUnknownConnectionRefIsA400() throws Exception {
        JsonNode problem = problem("/v1/destinations/cleverpush/batches", byRef("nope", subscriptions(1, "r")));

        assertThat(problem.get("errors").toString()).contains("\"pointer\":\"/connectionRef\"",
                "unknown connection 'nope'");
        assertThat(problem("/v1/destinations/cleverpush/connection-checks",
                JSON.createObjectNode().put("connectionRef", "nope")).get("errors").toString())
                .contains("/connectionRef");
        assertThat(problem("/v1/destinations/cleverpush/batches", byRef("", subscriptions(1, "r")))
                .get("errors").toString()).contains("/connectionRef");
        assertThat(rowCalls()).isZero();
    }

    @Test
    void aConnectionRefOfAnotherTypeIsA400() throws Exception {
        JsonNode problem = problem("/v1/destinations/cleverpush/batches", byRef("xp-eu", subscriptions(1, "r")));

        assertThat(problem.get("errors").toString()).contains("\"pointer\":\"/connectionRef\"",
                "connection 'xp-eu' is for xtremepush, not cleverpush");
        assertThat(problem("/v1/destinations/cleverpush/jobs", byRef("xp-eu", subscriptions(1, "r")))
                .get("errors").toString()).contains("/connectionRef");
        assertThat(rowCalls()).isZero();
        answers.forEach(CleverPushConnectionRefTest::assertSecretsAbsent);
    }

    @Test
    void theConnectionsAreListedByNameAndTypeWithoutSecrets() throws Exception {
        MockHttpServletResponse response = perform(MockMvcRequestBuilders.get("/v1/connections"));

        assertThat(response.getStatus()).isEqualTo(200);
        String raw = response.getContentAsString(StandardCharsets.UTF_8);
        JsonNode list = JSON.readTree(raw);
        assertThat(list.isArray()).isTrue();
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.get(0).get("name").asString()).isEqualTo("cp-main");
        assertThat(list.get(0).get("type").asString()).isEqualTo("cleverpush");
        assertThat(list.get(0).has("listIds")).isFalse();
        assertThat(list.get(1).get("name").asString()).isEqualTo("xp-eu");
        assertThat(list.get(1).get("type").asString()).isEqualTo("xtremepush");
        assertThat(list.get(1).get("listIds").toString()).isEqualTo("[42]");
        assertThat(raw).doesNotContain(REF_CHANNEL).doesNotContain("region");
        assertSecretsAbsent(raw);

        int anonymous = mvc.perform(MockMvcRequestBuilders.get("/v1/connections")).andReturn().getResponse()
                .getStatus();
        assertThat(anonymous).isEqualTo(401);
    }
}
