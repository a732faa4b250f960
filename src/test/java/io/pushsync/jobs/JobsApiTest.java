package io.pushsync.jobs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.pushsync.sync.jobs.JobSpool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import io.pushsync.testsupport.CleverPushBodies;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;
import org.wiremock.spring.WireMockConfigurationCustomizer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The jobs API end to end over MockMvc, with a slow CleverPush played by WireMock on 127.0.0.1: progress while
 * running, paging in input order, cancel (unsent rows fail {@code cancelled}), a full queue, replay, retention.
 * One job runs at a time here and one may wait, so the queue is easy to fill. Windows of 128 rows (two segments of
 * 64): a 300-row job is three requests to the adapter.
 */
@SpringBootTest
@AutoConfigureMockMvc
@EnableWireMock(@ConfigureWireMock(name = "cleverpush", portProperties = "test.cleverpush-mock.port",
        configurationCustomizers = JobsApiTest.Loopback.class))
@TestPropertySource(properties = {
        "pushsync.api-tokens=test-token",
        "pushsync.cleverpush.base-url=http://127.0.0.1:${test.cleverpush-mock.port}",
        "pushsync.cleverpush.concurrency=4",
        "resilience4j.retry.configs.cleverpush.wait-duration=10ms",
        "resilience4j.ratelimiter.configs.cleverpush.limit-for-period=100000",
        "pushsync.jobs.max-running=1",
        "pushsync.jobs.queue-capacity=1",
        "pushsync.jobs.retry-after=7s",
        "pushsync.jobs.progress-interval=50ms",
        "pushsync.jobs.retention=4s",
        "pushsync.jobs.segment-size=64",
        "pushsync.jobs.window-rows=128",
        "pushsync.jobs.shutdown-grace=0s",
})
class JobsApiTest {

    /** Binds WireMock to the loopback address only. */
    public static class Loopback implements WireMockConfigurationCustomizer {
        @Override
        public void customize(WireMockConfiguration configuration, ConfigureWireMock options) {
            configuration.bindAddress("127.0.0.1");
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN = "Bearer test-token";

    @InjectWireMock("cleverpush")
    WireMockServer wireMock;

    @Autowired
    MockMvc mvc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JobSpool spool;

    @BeforeEach
    void vendor() {
        wireMock.resetAll();
        wireMock.stubFor(get(urlPathMatching("/channel/.*"))
                .willReturn(okJson("{\"_id\":\"channel\",\"name\":\"Test channel\"}")));
        vendorDelay(0);
    }

    private void vendorDelay(int millis) {
        wireMock.stubFor(post(urlPathMatching("/subscription/sync/.*")).atPriority(100)
                .willReturn(okJson("{\"success\":true}").withFixedDelay(millis)));
    }

    @Test
    void aSlowJobShowsProgressThenPagesItsResultsInInputOrder() throws Exception {
        vendorDelay(40);
        // the vendor refuses one row, and one row fails validation: the other 298 go through
        wireMock.stubFor(post(urlPathMatching("/subscription/sync/.*"))
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("sub-150")))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"unknown subscription\"}")));
        ObjectNode body = job(channel(), 300);
        ((ObjectNode) body.get("rows").get(7).get("fields")).remove("subscription_id");

        MvcResult submitted = submit(body, 202);
        JsonNode accepted = json(submitted);
        String jobId = accepted.get("jobId").asString();
        assertThat(submitted.getResponse().getHeader(HttpHeaders.LOCATION)).isEqualTo("/v1/jobs/" + jobId);
        assertThat(accepted.get("state").asString()).isIn("queued", "running");
        assertThat(accepted.at("/progress/total").asInt()).isEqualTo(300);

        AtomicBoolean sawPartialProgress = new AtomicBoolean();
        JsonNode done = awaitState(jobId, status -> {
            int d = status.at("/progress/done").asInt();
            if (status.get("state").asString().equals("running") && d > 0 && d < 150
                    && !sawPartialProgress.getAndSet(true)) {
                // while it runs (half the rows still take a second or more), results are not served yet
                mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/" + jobId + "/results")))
                        .andExpect(status().isConflict());
            }
        }, "completed");
        assertThat(sawPartialProgress).as("progress seen between 0 and 300").isTrue();
        assertThat(done.at("/progress/done").asInt()).isEqualTo(300);
        assertThat(done.at("/summary/received").asInt()).isEqualTo(300);
        assertThat(done.at("/summary/succeeded").asInt()).isEqualTo(298);
        assertThat(done.at("/summary/failed").asInt()).isEqualTo(2);
        assertThat(done.get("finishedAt").isNull()).isFalse();

        List<JsonNode> all = new ArrayList<>();
        Integer offset = 0;
        int pages = 0;
        while (offset != null) {
            JsonNode page = json(mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/" + jobId
                    + "/results?offset=" + offset + "&limit=70"))).andExpect(status().isOk()).andReturn());
            assertThat(page.get("total").asInt()).isEqualTo(300);
            assertThat(page.get("offset").asInt()).isEqualTo(offset);
            assertThat(page.get("limit").asInt()).isEqualTo(70);
            page.get("results").forEach(all::add);
            offset = page.has("nextOffset") ? page.get("nextOffset").asInt() : null;
            pages++;
        }
        assertThat(pages).isEqualTo(5);
        assertThat(all).hasSize(300);
        for (int i = 0; i < 300; i++) {
            JsonNode r = all.get(i);
            assertThat(r.get("id").asString()).isEqualTo("r" + i);
            String expected = i == 7 || i == 150 ? "failed" : "succeeded";
            assertThat(r.get("status").asString()).as("row %d", i).isEqualTo(expected);
        }
        assertThat(all.get(7).at("/error/code").asString()).isEqualTo("missing_required_field");
        assertThat(all.get(150).at("/error/code").asString()).isEqualTo("rejected_by_destination");
        assertThat(all.get(150).at("/error/message").asString()).contains("unknown subscription");
        wireMock.verify(299, postRequestedFor(urlPathMatching("/subscription/sync/.*")));

        // past the end: an empty last page
        JsonNode beyond = json(mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/" + jobId
                + "/results?offset=300&limit=10"))).andExpect(status().isOk()).andReturn());
        assertThat(beyond.get("results")).isEmpty();
        assertThat(beyond.has("nextOffset")).isFalse();
    }

    @Test
    void cancelStopsAJobRowsNotSentFailCancelledAndAnswersOnTheWireCount() throws Exception {
        vendorDelay(150);
        String jobId = json(submit(job(channel(), 300), 202)).get("jobId").asString();
        awaitState(jobId, status -> { }, "running");
        await().atMost(Duration.ofSeconds(20)).until(() -> jobStatus(jobId).at("/progress/done").asInt() >= 8);

        MvcResult cancel = mvc.perform(auth(MockMvcRequestBuilders.delete("/v1/jobs/" + jobId))).andReturn();
        assertThat(cancel.getResponse().getStatus()).isIn(200, 202);
        assertThat(json(cancel).get("cancelRequested").asBoolean()).isTrue();

        JsonNode cancelled = awaitState(jobId, status -> { }, "cancelled");
        List<JsonNode> rows = allResults(jobId, 300);
        int succeeded = 0;
        int cancelledRows = 0;
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            assertThat(r.get("id").asString()).isEqualTo("r" + i);
            if (r.get("status").asString().equals("succeeded")) {
                succeeded++;
            } else {
                assertThat(r.at("/error/code").asString()).isEqualTo("cancelled");
                assertThat(r.at("/error/retryable").asBoolean()).isTrue();
                cancelledRows++;
            }
        }
        assertThat(succeeded).isGreaterThanOrEqualTo(8);
        assertThat(cancelledRows).isGreaterThan(200);
        assertThat(succeeded + cancelledRows).isEqualTo(300);
        // every call that reached the vendor was answered and counted: no row sent and then called cancelled
        assertThat(wireMock.findAll(postRequestedFor(urlPathMatching("/subscription/sync/.*")))).hasSize(succeeded);
        assertThat(cancelled.at("/summary/succeeded").asInt()).isEqualTo(succeeded);
        assertThat(cancelled.get("message").asString()).contains(cancelledRows + " rows were not sent");

        // cancelling again changes nothing
        JsonNode again = json(mvc.perform(auth(MockMvcRequestBuilders.delete("/v1/jobs/" + jobId)))
                .andExpect(status().isOk()).andReturn());
        assertThat(again.get("state").asString()).isEqualTo("cancelled");
    }

    @Test
    void aFullQueueRefusesWith429AndRetryAfterAndAQueuedJobCancelsAtOnce() throws Exception {
        vendorDelay(200);
        String channel = channel();
        String running = json(submit(job(channel, 50), 202)).get("jobId").asString();
        awaitState(running, status -> { }, "running");
        JsonNode queued = json(submit(job(channel, 20), 202));
        assertThat(queued.get("state").asString()).isEqualTo("queued");
        assertThat(meters.get("pushsync_jobs").tag("state", "running").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("pushsync_jobs").tag("state", "queued").gauge().value()).isEqualTo(1.0);

        ObjectNode third = job(channel, 5);
        MvcResult refused = submit(third, 429);
        assertThat(refused.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
        JsonNode problem = json(refused);
        assertThat(problem.get("type").asString()).isEqualTo("urn:pushsync:problem:job-queue-full");
        assertThat(problem.get("detail").asString()).contains("pushsync.jobs.queue-capacity");

        // the queued job is cancelled at once: nothing was sent for it
        JsonNode cancelled = json(mvc.perform(auth(MockMvcRequestBuilders.delete("/v1/jobs/"
                + queued.get("jobId").asString()))).andExpect(status().isOk()).andReturn());
        assertThat(cancelled.get("state").asString()).isEqualTo("cancelled");
        assertThat(cancelled.at("/summary/failed").asInt()).isEqualTo(20);
        for (JsonNode r : allResults(queued.get("jobId").asString(), 20)) {
            assertThat(r.at("/error/code").asString()).isEqualTo("cancelled");
        }
        // nothing was stored for the refused one: it can be sent again (here: now that a slot is free)
        JsonNode resent = json(submit(third, 202));
        assertThat(resent.has("jobId")).isTrue();
        mvc.perform(auth(MockMvcRequestBuilders.delete("/v1/jobs/" + running)));
        mvc.perform(auth(MockMvcRequestBuilders.delete("/v1/jobs/" + resent.get("jobId").asString())));
        awaitState(resent.get("jobId").asString(), status -> { }, "cancelled", "completed");
    }

    @Test
    void theSameJobSubmittedAgainIsTheSameJobAndAnotherPayloadUnderItsIdsIsAConflict() throws Exception {
        ObjectNode body = job(channel(), 10);
        String jobId = json(submit(body, 202)).get("jobId").asString();
        MvcResult replay = submit(body, 202);
        assertThat(json(replay).get("jobId").asString()).isEqualTo(jobId);
        assertThat(replay.getResponse().getHeader("Idempotent-Replayed")).isEqualTo("true");
        awaitState(jobId, status -> { }, "completed");
        wireMock.verify(10, postRequestedFor(urlPathMatching("/subscription/sync/.*")));

        ObjectNode changed = body.deepCopy();
        ((ObjectNode) changed.get("rows").get(0).get("fields")).put("plan", "another plan");
        JsonNode conflict = json(submit(changed, 409));
        assertThat(conflict.get("detail").asString()).contains(jobId);
    }

    @Test
    void idsDeliveredThroughOneEndpointAreAConflictThroughTheOther() throws Exception {
        ObjectNode asJob = job(channel(), 3);
        String jobId = json(submit(asJob, 202)).get("jobId").asString();
        awaitState(jobId, status -> { }, "completed");
        JsonNode refusedBatch = json(batch(asJob, 409));
        assertThat(refusedBatch.get("type").asString()).isEqualTo("urn:pushsync:problem:batch-conflict");
        assertThat(refusedBatch.get("detail").asString()).contains("/v1/jobs/" + jobId);

        ObjectNode asBatch = job(channel(), 3);
        batch(asBatch, 200);
        JsonNode refusedJob = json(submit(asBatch, 409));
        assertThat(refusedJob.get("detail").asString()).contains("/batches");
        assertThat(batch(asBatch, 200).getResponse().getHeader("Idempotent-Replayed")).isEqualTo("true");
        wireMock.verify(6, postRequestedFor(urlPathMatching("/subscription/sync/.*")));
    }

    @Test
    void aFinishedJobIsForgottenAfterItsRetention() throws Exception {
        String jobId = json(submit(job(channel(), 3), 202)).get("jobId").asString();
        awaitState(jobId, status -> { }, "completed");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() ->
                mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/" + jobId))).andReturn().getResponse()
                        .getStatus() == 404);
        JsonNode problem = json(mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/" + jobId + "/results")))
                .andExpect(status().isNotFound()).andReturn());
        assertThat(problem.get("detail").asString()).contains("pushsync.jobs.retention");
    }

    @Test
    void badPagesUnknownJobsAndMissingTokensAreProblems() throws Exception {
        String jobId = json(submit(job(channel(), 2), 202)).get("jobId").asString();
        awaitState(jobId, status -> { }, "completed");
        mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/" + jobId + "/results?offset=-1")))
                .andExpect(status().isBadRequest());
        JsonNode tooBig = json(mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/" + jobId
                + "/results?limit=10001"))).andExpect(status().isBadRequest()).andReturn());
        assertThat(tooBig.get("detail").asString()).contains("pushsync.jobs.max-page-size");
        mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/no-such-job"))).andExpect(status().isNotFound());
        mvc.perform(auth(MockMvcRequestBuilders.delete("/v1/jobs/no-such-job"))).andExpect(status().isNotFound());
        mvc.perform(MockMvcRequestBuilders.get("/v1/jobs/" + jobId)).andExpect(status().isUnauthorized());
        // a malformed job is a 400 like a batch, and nothing is queued
        ObjectNode bad = job(channel(), 2);
        bad.remove("syncId");
        JsonNode invalid = json(submit(bad, 400));
        assertThat(invalid.get("errors").get(0).get("pointer").asString()).isEqualTo("/syncId");
    }

    @Test
    void aRefusedKeyStopsTheJobAfterItsFirstWindowAndNoFurtherRequestIsSent() throws Exception {
        String channel = channel();
        wireMock.stubFor(get(urlPathMatching("/channel/" + channel + "/tags")).atPriority(1)
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"invalid api key\"}")));

        String jobId = json(submit(job(channel, 300), 202)).get("jobId").asString();
        JsonNode done = awaitState(jobId, status -> { }, "completed");

        assertThat(done.at("/summary/failed").asInt()).isEqualTo(300);
        assertThat(done.get("message").asString()).contains("172 rows were not sent");
        for (JsonNode r : allResults(jobId, 300)) {
            assertThat(r.at("/error/code").asString()).isEqualTo("destination_auth_failed");
        }
        wireMock.verify(1, getRequestedFor(urlPathMatching("/channel/" + channel + "/tags")));
        wireMock.verify(0, postRequestedFor(urlPathMatching("/subscription/sync/.*")));
        await().atMost(Duration.ofSeconds(10)).until(() -> spooled().isEmpty());
    }

    @Test
    void aDuplicateRowIdFarFromItsFirstUseIsA400WithTheFirstUseAndLeavesNoSpoolFile() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> spooled().isEmpty());
        ObjectNode body = job(channel(), 1000);
        ((ObjectNode) body.get("rows").get(999)).put("id", "r0");

        JsonNode problem = json(submit(body, 400));

        assertThat(problem.get("errors")).hasSize(1);
        assertThat(problem.at("/errors/0/pointer").asString()).isEqualTo("/rows/999/id");
        assertThat(problem.at("/errors/0/message").asString())
                .isEqualTo("duplicate row id 'r0' (first used at /rows/0)");
        assertThat(spooled()).isEmpty();
        mvc.perform(auth(MockMvcRequestBuilders.post("/v1/destinations/cleverpush/jobs"))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"syncId\": \"s\", \"rows\": [{"))
                .andExpect(status().isBadRequest());
        assertThat(spooled()).as("a malformed body is not kept either").isEmpty();
        wireMock.verify(0, postRequestedFor(urlPathMatching("/subscription/sync/.*")));
    }

    // ---- helpers ----

    private List<Path> spooled() throws IOException {
        try (Stream<Path> files = Files.list(spool.directory())) {
            return files.toList();
        }
    }

    interface StatusCheck {
        void accept(JsonNode status) throws Exception;
    }

    private JsonNode awaitState(String jobId, StatusCheck each, String... states) {
        Set<String> wanted = new HashSet<>(List.of(states));
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            last[0] = jobStatus(jobId);
            each.accept(last[0]);
            return wanted.contains(last[0].get("state").asString());
        });
        return last[0];
    }

    private JsonNode jobStatus(String jobId) throws Exception {
        return json(mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/" + jobId)))
                .andExpect(status().isOk()).andReturn());
    }

    private List<JsonNode> allResults(String jobId, int total) throws Exception {
        JsonNode page = json(mvc.perform(auth(MockMvcRequestBuilders.get("/v1/jobs/" + jobId
                + "/results?limit=" + total))).andExpect(status().isOk()).andReturn());
        List<JsonNode> rows = new ArrayList<>();
        page.get("results").forEach(rows::add);
        assertThat(rows).hasSize(total);
        return rows;
    }

    private MvcResult submit(JsonNode body, int expectedStatus) throws Exception {
        return mvc.perform(auth(MockMvcRequestBuilders.post("/v1/destinations/cleverpush/jobs"))
                        .contentType(MediaType.APPLICATION_JSON).content(JSON.writeValueAsString(body)))
                .andExpect(status().is(expectedStatus)).andReturn();
    }

    private MvcResult batch(JsonNode body, int expectedStatus) throws Exception {
        return mvc.perform(auth(MockMvcRequestBuilders.post("/v1/destinations/cleverpush/batches"))
                        .contentType(MediaType.APPLICATION_JSON).content(JSON.writeValueAsString(body)))
                .andExpect(status().is(expectedStatus)).andReturn();
    }

    private static MockHttpServletRequestBuilder auth(MockHttpServletRequestBuilder builder) {
        return builder.header(HttpHeaders.AUTHORIZATION, TOKEN);
    }

    private static JsonNode json(MvcResult result) throws Exception {
        return JSON.readTree(result.getResponse().getContentAsString());
    }

    private static String channel() {
        return "chanJobs-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static ObjectNode job(String channelId, int rows) {
        return CleverPushBodies.subscriptions("jobs-tests", "job-" + UUID.randomUUID(), channelId,
                "cp-jobs-key-SECRET", "sub-", 0, rows);
    }
}
