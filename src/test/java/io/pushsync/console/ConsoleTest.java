package io.pushsync.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushsync.sync.jobs.JobService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The console's door (login, session, CSRF) and what it shows, with the {@code /v1} JSON of the same data, in the
 * {@code sandbox} profile on a real port (the batches reach the sandbox's simulators).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@AutoConfigureMockMvc
@ActiveProfiles("sandbox")
class ConsoleTest {

    static final int PORT = freePort();
    static final String TOKEN = "Bearer sandbox-token";
    /** The sandbox's credentials (in the batches sent here) and the caller token: never on a page. */
    static final List<String> SECRETS = List.of("sandbox-token", "sandbox-app-token", "sandbox-api-key",
            "sandbox-client-secret");

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    JobService jobs;

    final JsonMapper json = JsonMapper.builder().build();

    MockHttpSession logIn() throws Exception {
        MvcResult r = mvc.perform(formLogin("/console/login").user("sandbox").password("sandbox"))
                .andExpect(status().isFound()).andExpect(redirectedUrl("/console")).andReturn();
        return (MockHttpSession) r.getRequest().getSession(false);
    }

    String page(MockHttpSession session, String url) throws Exception {
        return mvc.perform(get(url).session(session)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
    }

    JsonNode v1(String url) throws Exception {
        return json.readTree(mvc.perform(get(url).header("Authorization", TOKEN)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    String batch(String batchId) throws Exception {
        ObjectNode batch = (ObjectNode) json.readTree(Files.readString(Path.of("examples/xtremepush-profiles.json")));
        batch.put("syncId", "console-test");
        batch.put("batchId", batchId);
        mvc.perform(post("/v1/destinations/xtremepush/batches").header("Authorization", TOKEN)
                .contentType(MediaType.APPLICATION_JSON).content(batch.toString())).andExpect(status().isOk());
        return batchId;
    }

    @Test
    void anonymousCallsAreSentToTheLoginPage() throws Exception {
        for (String url : List.of("/console", "/console/accounts", "/console/jobs/x", "/console/jobs/x/pace",
                "/console/batch/failures.csv?syncId=s&batchId=b")) {
            mvc.perform(get(url)).andExpect(status().isFound())
                    .andExpect(header().string("Location", org.hamcrest.Matchers.endsWith("/console/login")));
        }
        mvc.perform(get("/console/login")).andExpect(status().isOk());
    }

    @Test
    void aWrongPasswordIsRefusedAndTheCallerTokenOpensNoConsole() throws Exception {
        mvc.perform(formLogin("/console/login").user("sandbox").password("nope"))
                .andExpect(redirectedUrl("/console/login?error"));
        mvc.perform(formLogin("/console/login").user("sandbox-token").password("sandbox-token"))
                .andExpect(redirectedUrl("/console/login?error"));
        mvc.perform(get("/console").header("Authorization", TOKEN)).andExpect(status().isFound());
    }

    @Test
    void loggingOutEndsTheSession() throws Exception {
        MockHttpSession session = logIn();
        mvc.perform(get("/console").session(session)).andExpect(status().isOk());
        mvc.perform(post("/console/logout").session(session)).andExpect(status().isForbidden());
        mvc.perform(post("/console/logout").session(session).with(csrf()))
                .andExpect(redirectedUrl("/console/login?logout"));
        mvc.perform(get("/console").session(session)).andExpect(status().isFound());
    }

    @Test
    void theLoginItselfNeedsTheCsrfToken() throws Exception {
        mvc.perform(post("/console/login").param("username", "sandbox").param("password", "sandbox"))
                .andExpect(status().isForbidden());
    }

    @Test
    void theCancelButtonNeedsTheCsrfToken() throws Exception {
        MockHttpSession session = logIn();
        String jobId = jobs.submit("cleverpush", json.readTree("""
                {"syncId": "console-test", "batchId": "%s", "connectionRef": "sandbox-cleverpush",
                 "objectType": "tags", "mode": "add",
                 "rows": [%s]}""".formatted("csrf-" + UUID.randomUUID(), rows(200)))).status().jobId();
        mvc.perform(post("/console/jobs/" + jobId + "/cancel").session(session)).andExpect(status().isForbidden());
        assertThat(jobs.status(jobId).cancelRequested()).isFalse();
        mvc.perform(post("/console/jobs/" + jobId + "/cancel").session(session).with(csrf()))
                .andExpect(status().isFound()).andExpect(redirectedUrl("/console/jobs/" + jobId));
        assertThat(jobs.status(jobId).cancelRequested()).isTrue();

        // once it has stopped, its failures as JSON and CSV under /v1, and on its page
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> jobs.status(jobId).state().isFinal());
        JsonNode pace = v1("/v1/jobs/" + jobId + "/pace");
        assertThat(pace.at("/status/state").asString()).isEqualTo("cancelled");
        assertThat(pace.get("percent").asInt()).isEqualTo(100);
        JsonNode failures = v1("/v1/jobs/" + jobId + "/failures?limit=10");
        assertThat(failures.get("rowsAvailable").asBoolean()).isTrue();
        assertThat(failures.at("/byCode/0/code").asString()).isEqualTo("cancelled");
        assertThat(failures.at("/byCode/0/retryable").asBoolean()).isTrue();
        int failed = failures.get("totalFailed").asInt();
        assertThat(failed).isPositive().isEqualTo(failures.at("/byCode/0/count").asInt());
        assertThat(failures.get("rows")).hasSize(Math.min(10, failed));
        String csv = mvc.perform(get("/v1/jobs/" + jobId + "/failures.csv").header("Authorization", TOKEN))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(csv.lines().count()).isEqualTo(failed + 1L);
        assertThat(csv.lines().skip(1)).allMatch(l -> l.contains(",cancelled,") && l.endsWith(",true"));
        assertThat(page(session, "/console/jobs/" + jobId)).contains("cancelled").doesNotContain("id=\"cancel\"");
        assertThat(v1("/v1/runs?outcome=cancelled&syncId=console-test").toString()).contains(jobId);
    }

    @Test
    void theV1ApiStaysStatelessAndAConsoleSessionOpensNone() throws Exception {
        MockHttpSession session = logIn();
        mvc.perform(get("/v1/runs").session(session)).andExpect(status().isUnauthorized());
        MvcResult r = mvc.perform(get("/v1/runs").header("Authorization", TOKEN)).andExpect(status().isOk())
                .andReturn();
        assertThat(r.getResponse().getHeader("Set-Cookie")).isNull();
        assertThat(r.getRequest().getSession(false)).isNull();
    }

    @Test
    void pagesAndTheirJsonShowTheRunsAndNeverASecret() throws Exception {
        String batchId = batch("page-" + UUID.randomUUID());
        MockHttpSession session = logIn();
        String runs = page(session, "/console?destination=xtremepush&syncId=console-test&outcome=failed");
        assertThat(runs).contains(batchId).contains("retention").contains("pushsync.idempotency.ttl");
        String detail = page(session, "/console/batch?syncId=console-test&batchId=" + batchId);
        assertThat(detail).contains("rejected_by_destination").contains("invalid_phone_number").contains("reject-5");
        String accounts = page(session, "/console/accounts");
        assertThat(accounts).contains("xtremepush-");
        String csv = page(session, "/console/batch/failures.csv?syncId=console-test&batchId=" + batchId);
        for (String secret : SECRETS) {
            assertThat(runs).doesNotContain(secret);
            assertThat(detail).doesNotContain(secret);
            assertThat(accounts).doesNotContain(secret);
            assertThat(csv).doesNotContain(secret);
        }

        // the same as JSON under /v1
        JsonNode list = v1("/v1/runs?destination=xtremepush&syncId=console-test&outcome=failed&limit=5");
        assertThat(list.get("retention").asString()).isEqualTo("PT24H");
        assertThat(list.get("runs").get(0).get("batchId").asString()).isEqualTo(batchId);
        assertThat(list.get("runs").get(0).at("/summary/failed").asInt()).isEqualTo(4);
        assertThat(v1("/v1/runs?outcome=succeeded&syncId=console-test").get("runs")).isEmpty();
        JsonNode failures = v1("/v1/runs/batch/failures?syncId=console-test&limit=2&batchId=" + batchId);
        assertThat(failures.get("totalFailed").asInt()).isEqualTo(4);
        assertThat(failures.get("byCode")).hasSize(4);
        assertThat(failures.get("rows")).hasSize(2);
        assertThat(failures.get("nextOffset").asInt()).isEqualTo(2);
        String v1Csv = mvc.perform(get("/v1/runs/batch/failures.csv?syncId=console-test&batchId=" + batchId)
                .header("Authorization", TOKEN)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(v1Csv).isEqualTo(csv).startsWith("id,code,field,message,retryable\r\n");
        JsonNode accountsJson = v1("/v1/accounts");
        assertThat(accountsJson.get("accounts").toString()).contains("xtremepush-").contains("\"circuit\":\"closed\"");
        for (String secret : SECRETS) {
            assertThat(list.toString() + failures + accountsJson).doesNotContain(secret);
        }
        mvc.perform(get("/v1/runs?outcome=nope").header("Authorization", TOKEN)).andExpect(status().isBadRequest());
        mvc.perform(get("/v1/runs/batch/failures?syncId=console-test&batchId=unknown").header("Authorization", TOKEN))
                .andExpect(status().isNotFound());
    }

    static String rows(int n) {
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            rows.append(i > 1 ? "," : "").append("{\"id\":\"j").append(i)
                    .append("\",\"fields\":{\"subscription_id\":\"sub-100").append(i % 3 + 1)
                    .append("\",\"tags\":\"vip\"}}");
        }
        return rows.toString();
    }
}
