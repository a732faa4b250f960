package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.not;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.pushsync.testsupport.BatchAssertions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OAuth 2.0 client credentials: one token for many chunks and batches, renewed before expiry and once after a 401,
 * a refusing token endpoint fails the rows {@code destination_auth_failed}, and neither the client secret nor an
 * access token shows anywhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class XtremepushOAuthTest extends XtremepushWireMockSupport {

    static final String TOKEN_PATH = "/api/oauth/token";
    static final String SECRET = "xp-client-secret-+&=-SECRET";

    /** A client of its own per test: tokens are cached per client. */
    private final String clientId = "client-" + UUID.randomUUID();

    private ObjectNode oauth(ObjectNode batch) {
        ObjectNode connection = (ObjectNode) batch.get("connection");
        connection.remove("appToken");
        connection.put("clientId", clientId);
        connection.put("clientSecret", SECRET);
        return batch;
    }

    private void tokenAnswers(String token, int expiresIn) {
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(okJson("{\"access_token\": \"" + token
                + "\", \"token_type\": \"Bearer\", \"expires_in\": " + expiresIn + "}")));
    }

    private void importsSucceed() {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson("{\"code\":200,\"success\":true}")));
    }

    private List<LoggedRequest> tokenRequests() {
        return wireMock.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    private List<LoggedRequest> imports() {
        return wireMock.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH)));
    }

    @Test
    void aTwelveThousandRowBatchAsksForOneTokenAndASecondBatchReusesIt() throws Exception {
        tokenAnswers("access-1-TOKEN", 3600);
        importsSucceed();

        BatchAssertions.assertAllSucceeded(postBatch(oauth(profiles(profiles(12_000, "r")))));

        assertThat(tokenRequests()).hasSize(1);
        LoggedRequest token = tokenRequests().get(0);
        assertThat(token.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(token.getBodyAsString()).isEqualTo("grant_type=client_credentials&client_id="
                + URLEncoder.encode(clientId, StandardCharsets.UTF_8) + "&client_secret="
                + URLEncoder.encode(SECRET, StandardCharsets.UTF_8));
        assertThat(imports()).hasSize(3); // 5,000 rows per chunk
        wireMock.verify(3, postRequestedFor(urlEqualTo(PROFILE_PATH))
                .withHeader("Authorization", equalTo("Bearer access-1-TOKEN"))
                .withRequestBody(matchingJsonPath("$.apptoken", absent())));

        BatchAssertions.assertAllSucceeded(postBatch(oauth(profiles(profiles(10, "s")))));
        assertThat(tokenRequests()).as("the token is reused").hasSize(1);
    }

    @Test
    void concurrentBatchesShareOneTokenRequest() throws Exception {
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(okJson(
                "{\"access_token\": \"shared-TOKEN\", \"expires_in\": 3600}").withFixedDelay(300)));
        importsSucceed();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ObjectNode batch = oauth(profiles(profiles(20, "c" + i)));
                answers.add(pool.submit((Callable<JsonNode>) () -> postBatch(batch)));
            }
            for (Future<JsonNode> answer : answers) {
                BatchAssertions.assertAllSucceeded(answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(tokenRequests()).hasSize(1);
        assertThat(imports()).hasSize(4);
    }

    @Test
    void aTokenIsRenewedBeforeItExpires() throws Exception {
        // 61 s of life minus the 60 s refresh margin: usable for one second
        tokenAnswers("short-TOKEN", 61);
        importsSucceed();
        postBatch(oauth(profiles(profiles(2, "a"))));
        postBatch(oauth(profiles(profiles(2, "b"))));
        assertThat(tokenRequests()).hasSize(1);

        Thread.sleep(1_200);
        postBatch(oauth(profiles(profiles(2, "c"))));

        assertThat(tokenRequests()).as("renewed after its usable life").hasSize(2);
    }

    @Test
    void aCallAnswered401GetsOneNewTokenAndIsSentAgain() throws Exception {
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"access_token\": \"revoked-TOKEN\", \"expires_in\": 3600}"))
                .willSetStateTo("second"));
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).inScenario("t").whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\": \"fresh-TOKEN\", \"expires_in\": 3600}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).withHeader("Authorization", equalTo("Bearer revoked-TOKEN"))
                .willReturn(aResponse().withStatus(401).withBody("{\"code\":401,\"message\":\"token revoked\"}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).withHeader("Authorization", equalTo("Bearer fresh-TOKEN"))
                .willReturn(okJson("{\"code\":200,\"success\":true}")));

        BatchAssertions.assertAllSucceeded(postBatch(oauth(profiles(profiles(3, "r")))));

        assertThat(tokenRequests()).hasSize(2);
        assertThat(imports()).hasSize(2);
    }

    @Test
    void aSecond401FailsTheRowsAuthFailedAfterOneRenewal() throws Exception {
        tokenAnswers("never-good-TOKEN", 3600);
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH))
                .willReturn(aResponse().withStatus(401).withBody("{\"code\":401,\"message\":\"unauthorised\"}")));

        JsonNode response = postBatch(oauth(profiles(profiles(3, "r"))));

        BatchAssertions.assertAllFailed(response, "destination_auth_failed", false);
        assertThat(tokenRequests()).hasSize(2);
        assertThat(imports()).hasSize(2);
    }

    @Test
    void aTokenEndpointThatRefusesFailsTheRowsAuthFailedWithoutRetryOrImport() throws Exception {
        for (int status : new int[] {400, 401}) {
            wireMock.resetAll();
            wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(status)
                    .withBody("{\"error\": \"invalid_client\"}")));

            JsonNode response = postBatch(oauth(profiles(profiles(2, "r"))));

            BatchAssertions.assertAllFailed(response, "destination_auth_failed", false);
            assertThat(response.at("/results/0/error/message").asString())
                    .contains("token endpoint", String.valueOf(status), "invalid_client");
            assertThat(tokenRequests()).as("a refusal is not retried").hasSize(1);
            assertThat(imports()).isEmpty();
        }
    }

    @Test
    void aTokenEndpointAnswering429Or5xxIsRetriedLikeAnyCall() throws Exception {
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).inScenario("r").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("5xx"));
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).inScenario("r").whenScenarioStateIs("5xx")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).inScenario("r").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"access_token\": \"late-TOKEN\", \"expires_in\": 3600}")));
        importsSucceed();

        BatchAssertions.assertAllSucceeded(postBatch(oauth(profiles(profiles(2, "r")))));

        assertThat(tokenRequests()).hasSize(3);
        wireMock.verify(1, postRequestedFor(urlEqualTo(PROFILE_PATH))
                .withHeader("Authorization", equalTo("Bearer late-TOKEN")));
    }

    @Test
    void aPersistent5xxOrAnUnreadableAnswerFailsTheRowsRetryable() throws Exception {
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(502)));
        BatchAssertions.assertAllFailed(postBatch(oauth(profiles(profiles(2, "r")))), "destination_unavailable",
                true);

        wireMock.resetAll();
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(200)
                .withBody("<html>not a token</html>")));
        JsonNode garbage = postBatch(oauth(profiles(profiles(2, "g"))));
        BatchAssertions.assertAllFailed(garbage, "destination_unavailable", true);
        assertThat(garbage.at("/results/0/error/message").asString()).contains("access_token");
        assertThat(imports()).isEmpty();
    }

    private JsonNode check(ObjectNode connection) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("connection", connection);
        String raw = mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/xtremepush/connection-checks")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON).content(JSON.writeValueAsBytes(body)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(raw).doesNotContain(SECRET);
        return JSON.readTree(raw);
    }

    private ObjectNode oauthConnection() {
        ObjectNode c = JSON.createObjectNode();
        c.put("region", "eu");
        c.put("clientId", clientId);
        c.put("clientSecret", SECRET);
        return c;
    }

    @Test
    void theConnectionCheckWithOAuthCredentials() throws Exception {
        tokenAnswers("check-TOKEN", 3600);
        wireMock.stubFor(post(urlEqualTo(CHECK_PATH)).willReturn(okJson("{\"code\":200,\"success\":true}")));
        assertThat(check(oauthConnection()).get("ok").asBoolean()).isTrue();
        wireMock.verify(1, postRequestedFor(urlEqualTo(CHECK_PATH))
                .withHeader("Authorization", equalTo("Bearer check-TOKEN"))
                .withRequestBody(matchingJsonPath("$.apptoken", absent())));

        wireMock.resetAll();
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\": \"invalid_client\"}")));
        ObjectNode wrong = oauthConnection().put("clientId", "other-" + clientId);
        JsonNode refused = check(wrong);
        assertThat(refused.get("ok").asBoolean()).isFalse();
        assertThat(refused.toString()).contains("destination_auth_failed");
        assertThat(wireMock.findAll(postRequestedFor(urlEqualTo(CHECK_PATH)))).isEmpty();
    }

    private String postExpectingProblem(ObjectNode batch) throws Exception {
        return mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/xtremepush/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON).content(JSON.writeValueAsBytes(batch)))
                .andExpect(status().isBadRequest()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void exactlyOneKindOfCredentialsOrA400() throws Exception {
        ObjectNode both = oauth(profiles(profiles(1, "r")));
        ((ObjectNode) both.get("connection")).put("appToken", APP_TOKEN);
        assertThat(postExpectingProblem(both)).contains("/connection/clientId", "not several")
                .doesNotContain(SECRET, APP_TOKEN);

        ObjectNode half = oauth(profiles(profiles(1, "r")));
        ((ObjectNode) half.get("connection")).remove("clientSecret");
        assertThat(postExpectingProblem(half)).contains("/connection/clientSecret", "clientSecret is required");

        ObjectNode none = profiles(profiles(1, "r"));
        ((ObjectNode) none.get("connection")).remove("appToken");
        assertThat(postExpectingProblem(none)).contains("\"/connection\"", "credentials are required");
        assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void noClientSecretNorAccessTokenInResponsesLogsOrMetrics(CapturedOutput output) throws Exception {
        String token = "leak-me-not-ACCESS-" + UUID.randomUUID();
        tokenAnswers(token, 3600);
        // the vendor echoes what it got in its error messages
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"code\":400,\"message\":\"bad row; Authorization was Bearer " + token + "\"}")));
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).withRequestBody(not(com.github.tomakehurst.wiremock.client
                        .WireMock.containing("client_id=" + clientId)))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\": \"bad secret " + SECRET + "\"}")));

        StringBuilder seen = new StringBuilder();
        seen.append(postBatchRaw(oauth(profiles(profiles(2, "r")))));
        ObjectNode other = oauth(profiles(profiles(2, "o")));
        ((ObjectNode) other.get("connection")).put("clientId", "other-" + clientId);
        seen.append(postBatchRaw(other));
        seen.append(mvc.perform(get("/actuator/prometheus")).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8));

        assertThat(seen.toString()).contains("rejected_by_destination", "destination_auth_failed");
        // the service's own log lines (WireMock, playing the vendor, prints what it received)
        List<String> serviceLines = output.getAll().lines().filter(l -> l.contains("--- [pushsync]"))
                .filter(l -> !l.contains("WireMock") && !l.contains(" c.w.")).toList();
        assertThat(serviceLines).anyMatch(l -> l.contains("oauth/token")).anyMatch(l -> l.contains("-> 400"));
        for (String text : List.of(seen.toString(), String.join("\n", serviceLines))) {
            assertThat(text).doesNotContain(SECRET).doesNotContain(token)
                    .doesNotContain(URLEncoder.encode(SECRET, StandardCharsets.UTF_8));
        }
        // a job's spooled body (which holds the client secret) is encrypted on disk: JobSpoolTest
    }
}
