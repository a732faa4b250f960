package io.pushsync.state.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.jobs.JobProgress;
import io.pushsync.sync.jobs.JobSpec;
import io.pushsync.sync.jobs.JobState;
import io.pushsync.sync.jobs.JobStore;
import io.pushsync.testsupport.CleverPushBodies;
import io.pushsync.testsupport.PushsyncReplicas;
import io.pushsync.testsupport.RedisServerExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Jobs across two replicas sharing one Redis, CleverPush played slowly by WireMock on 127.0.0.1: a job submitted on
 * A is followed, paged and cancelled on B, a resubmission on B is the same job, and a replica shut down mid-job
 * leaves the job {@code interrupted} (never completed) for the other one to read.
 */
class RedisJobsAcrossReplicasTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final String TOKEN = "t";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static WireMockServer cleverPush;
    static Map<String, String> properties;
    static PushsyncReplicas replicas;

    @BeforeAll
    static void start() {
        cleverPush = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        cleverPush.start();
        cleverPush.stubFor(get(urlPathMatching("/channel/.*")).willReturn(okJson("{\"_id\":\"c\",\"name\":\"C\"}")));
        // a slow vendor: 300 rows two at a time take about 15 s
        cleverPush.stubFor(post(urlPathMatching("/subscription/.*"))
                .willReturn(okJson("{\"success\":true}").withFixedDelay(100)));
        properties = new LinkedHashMap<>(PushsyncReplicas.redisState(REDIS));
        properties.put("pushsync.api-tokens", TOKEN);
        properties.put("pushsync.cleverpush.base-url", "http://127.0.0.1:" + cleverPush.port());
        properties.put("pushsync.cleverpush.concurrency", "2");
        properties.put("resilience4j.ratelimiter.configs.cleverpush.limit-for-period", "100000");
        properties.put("pushsync.jobs.progress-interval", "100ms");
        properties.put("pushsync.jobs.segment-size", "50");
        properties.put("pushsync.jobs.shutdown-grace", "0s");
        replicas = PushsyncReplicas.start(2, properties);
    }

    @AfterAll
    static void stop() {
        if (replicas != null) {
            replicas.close();
        }
        if (cleverPush != null) {
            cleverPush.stop();
        }
    }

    @Test
    void aJobSubmittedOnAIsFollowedPagedAndCancelledOnB() throws Exception {
        String channel = channel();
        ObjectNode body = job(channel, 300);
        HttpResponse<String> submitted = call(replicas, 0, "POST", "/v1/destinations/cleverpush/jobs", body);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String jobId = JSON.readTree(submitted.body()).get("jobId").asString();

        // the same job submitted to B is recognised as the same job
        HttpResponse<String> again = call(replicas, 1, "POST", "/v1/destinations/cleverpush/jobs", body);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(again.body()).get("jobId").asString()).isEqualTo(jobId);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");

        // B sees A's progress move
        await().atMost(Duration.ofSeconds(20)).until(() -> status(replicas, 1, jobId).at("/progress/done").asInt() >= 10);
        JsonNode onB = status(replicas, 1, jobId);
        assertThat(onB.get("state").asString()).isEqualTo("running");
        assertThat(onB.at("/progress/total").asInt()).isEqualTo(300);

        HttpResponse<String> cancel = call(replicas, 1, "DELETE", "/v1/jobs/" + jobId, null);
        assertThat(cancel.statusCode()).as(cancel.body()).isIn(200, 202);
        assertThat(JSON.readTree(cancel.body()).get("cancelRequested").asBoolean()).isTrue();

        await().atMost(Duration.ofSeconds(20)).until(() -> status(replicas, 1, jobId).get("state").asString()
                .equals("cancelled"));
        assertThat(status(replicas, 0, jobId).get("state").asString()).isEqualTo("cancelled");

        List<JsonNode> rows = allResults(replicas, 1, jobId, 300, 70);
        int succeeded = 0;
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            assertThat(r.get("id").asString()).isEqualTo("r" + i);
            if (r.get("status").asString().equals("succeeded")) {
                succeeded++;
            } else {
                assertThat(r.at("/error/code").asString()).as("row %d", i).isEqualTo("cancelled");
                assertThat(r.at("/error/retryable").asBoolean()).isTrue();
            }
        }
        assertThat(succeeded).isBetween(10, 299);
        assertThat(cleverPush.findAll(postRequestedFor(urlPathMatching("/subscription/sync/" + channel))))
                .as("every call that reached the vendor was counted").hasSize(succeeded);
    }

    @Test
    void aReplicaShutDownMidJobLeavesItInterruptedForTheOthers() throws Exception {
        try (PushsyncReplicas pair = PushsyncReplicas.start(2, properties)) {
            String jobId = JSON.readTree(call(pair, 0, "POST", "/v1/destinations/cleverpush/jobs",
                    job(channel(), 200)).body()).get("jobId").asString();
            await().atMost(Duration.ofSeconds(20)).until(() -> status(pair, 1, jobId).at("/progress/done").asInt() >= 6);

            pair.context(0).close();

            JsonNode onB = status(pair, 1, jobId);
            assertThat(onB.get("state").asString()).isEqualTo("interrupted");
            assertThat(onB.get("message").asString()).contains("rows were not sent");
            List<JsonNode> rows = allResults(pair, 1, jobId, 200, 200);
            int succeeded = 0;
            int interrupted = 0;
            for (JsonNode r : rows) {
                if (r.get("status").asString().equals("succeeded")) {
                    succeeded++;
                } else {
                    assertThat(r.at("/error/code").asString()).isEqualTo("interrupted");
                    assertThat(r.at("/error/retryable").asBoolean()).isTrue();
                    interrupted++;
                }
            }
            assertThat(succeeded).isGreaterThanOrEqualTo(6);
            assertThat(interrupted).isPositive();
            assertThat(succeeded + interrupted).isEqualTo(200);
            assertThat(onB.at("/summary/succeeded").asInt()).isEqualTo(succeeded);
        }
    }

    @Test
    void aJobWhoseReplicaDiedWithoutAShutdownIsFinishedInterruptedByTheNextReader() throws Exception {
        // what a replica killed mid-job leaves in Redis: running, heartbeat stale, one of two segments stored
        JobStore store = replicas.context(0).getBean(JobStore.class);
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            ids.add("r" + i);
        }
        JobSpec spec = new JobSpec("killed-" + UUID.randomUUID(), "jobs-across-replicas", "b-" + UUID.randomUUID(),
                "cleverpush", "subscriptions", "upsert", "fp", 80, 50, now.minusSeconds(900), "replica-killed", false);
        assertThat(store.create(spec, JobProgress.queued(now.minusSeconds(900)), ids, Duration.ofHours(1)))
                .isInstanceOf(JobStore.Created.class);
        store.saveProgress(spec.jobId(), new JobProgress(JobState.RUNNING, 61, 61, 0, 0, 0, now.minusSeconds(890),
                null, now.minusSeconds(300), null));
        List<RowResult> first = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            first.add(RowResult.succeeded("r" + i));
        }
        store.saveResults(spec.jobId(), 0, first);

        JsonNode onB = status(replicas, 1, spec.jobId());

        assertThat(onB.get("state").asString()).isEqualTo("interrupted");
        assertThat(onB.get("message").asString()).contains("replica-killed").contains("30 rows");
        assertThat(onB.at("/summary/succeeded").asInt()).isEqualTo(50);
        assertThat(onB.at("/summary/failed").asInt()).isEqualTo(30);
        List<JsonNode> rows = allResults(replicas, 0, spec.jobId(), 80, 80);
        for (int i = 0; i < 80; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.get("id").asString()).isEqualTo("r" + i);
            assertThat(r.get("status").asString()).isEqualTo(i < 50 ? "succeeded" : "failed");
            if (i >= 50) {
                assertThat(r.at("/error/code").asString()).isEqualTo("interrupted");
            }
        }
        // A reads the verdict B wrote
        assertThat(status(replicas, 0, spec.jobId()).get("state").asString()).isEqualTo("interrupted");
    }

    // ---- helpers ----

    static HttpResponse<String> call(PushsyncReplicas on, int replica, String method, String path, JsonNode body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(on.uri(replica, path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN);
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode status(PushsyncReplicas on, int replica, String jobId) throws Exception {
        HttpResponse<String> r = call(on, replica, "GET", "/v1/jobs/" + jobId, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static List<JsonNode> allResults(PushsyncReplicas on, int replica, String jobId, int total, int pageSize)
            throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        Integer offset = 0;
        while (offset != null) {
            HttpResponse<String> r = call(on, replica, "GET", "/v1/jobs/" + jobId + "/results?offset=" + offset
                    + "&limit=" + pageSize, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(r.body());
            page.get("results").forEach(rows::add);
            offset = page.has("nextOffset") ? page.get("nextOffset").asInt() : null;
        }
        assertThat(rows).hasSize(total);
        return rows;
    }

    static String channel() {
        return "chanReplicas-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static ObjectNode job(String channel, int rows) {
        return CleverPushBodies.subscriptions("jobs-across-replicas", "job-" + UUID.randomUUID(), channel,
                "cp-key-replicas-SECRET", "s-", 0, rows);
    }
}
