package io.pushsync.state.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.pushsync.sync.snapshots.SnapshotBusyException;
import io.pushsync.sync.snapshots.SnapshotStore;
import io.pushsync.testsupport.BatchAssertions;
import io.pushsync.testsupport.CleverPushBodies;
import io.pushsync.testsupport.PushsyncReplicas;
import io.pushsync.testsupport.RedisServerExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Two replicas of pushsync (two application contexts, {@code pushsync.state.store=redis}) on one Redis, with
 * WireMock on 127.0.0.1 playing CleverPush: a batch run on one is replayed by the other, and the two together keep a
 * channel within its configured rate.
 */
class RedisTwoReplicasTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final String TOKEN = "t";
    static final String API_KEY = "cp-key-two-replicas-SECRET";
    static final int LIMIT = 5;
    static final JsonMapper JSON = JsonMapper.builder().build();

    static WireMockServer cleverPush;
    static PushsyncReplicas replicas;

    @BeforeAll
    static void start() {
        cleverPush = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        cleverPush.start();
        Map<String, String> properties = new java.util.LinkedHashMap<>(PushsyncReplicas.redisState(REDIS));
        properties.put("pushsync.api-tokens", TOKEN);
        properties.put("pushsync.cleverpush.base-url", "http://127.0.0.1:" + cleverPush.port());
        properties.put("pushsync.xtremepush.regions.eu.base-url", "http://127.0.0.1:" + cleverPush.port());
        properties.put("pushsync.xtremepush.regions.us.base-url", "http://127.0.0.1:" + cleverPush.port());
        properties.put("resilience4j.ratelimiter.configs.cleverpush.limit-for-period", Integer.toString(LIMIT));
        properties.put("resilience4j.ratelimiter.configs.cleverpush.limit-refresh-period", "1s");
        properties.put("resilience4j.ratelimiter.configs.cleverpush.timeout-duration", "1m");
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

    @BeforeEach
    void stubs() {
        cleverPush.resetAll();
        cleverPush.stubFor(get(urlPathMatching("/channel/.*")).willReturn(okJson("{\"_id\":\"c\",\"name\":\"C\"}")));
        cleverPush.stubFor(post(urlPathMatching("/subscription/.*")).willReturn(okJson("{\"success\":true}")));
    }

    static ObjectNode batch(String channel, String batchId, int from, int rows) {
        return CleverPushBodies.subscriptions("two-replicas", batchId, channel, API_KEY, "s-", from, rows);
    }

    static HttpResponse<String> send(int replica, ObjectNode body) {
        try {
            return replicas.post(replica, "/v1/destinations/cleverpush/batches", JSON.writeValueAsString(body),
                    TOKEN);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<LoggedRequest> callsFor(String channel) {
        List<LoggedRequest> calls = new ArrayList<>();
        for (var e : cleverPush.getAllServeEvents()) {
            String url = e.getRequest().getUrl();
            if (url.equals("/channel/" + channel) || url.equals("/subscription/sync/" + channel)) {
                calls.add(e.getRequest());
            }
        }
        calls.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
        return calls;
    }

    @Test
    void aBatchRunOnOneReplicaIsReplayedByTheOther() {
        String channel = "chan-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode body = batch(channel, "batch-" + UUID.randomUUID(), 0, 3);

        HttpResponse<String> first = send(0, body);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isNotEqualTo(java.util.Optional.of("true"));
        JsonNode answer = JSON.readTree(first.body());
        BatchAssertions.assertOneResultPerRowInOrder(body, answer);
        BatchAssertions.assertAllSucceeded(answer);
        List<LoggedRequest> vendorCalls = callsFor(channel);
        assertThat(vendorCalls.stream().filter(r -> r.getUrl().startsWith("/subscription/"))).hasSize(3);

        HttpResponse<String> replay = send(1, body);

        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(JSON.readTree(replay.body())).isEqualTo(answer);
        assertThat(callsFor(channel)).as("the replay made no vendor call").hasSameSizeAs(vendorCalls);
        assertThat(replay.body()).doesNotContain(API_KEY);

        ObjectNode changed = batch(channel, body.get("batchId").asString(), 0, 2);
        assertThat(send(1, changed).statusCode()).as("another payload under the same batch id").isEqualTo(409);
    }

    @Test
    void aBatchRunOnOneReplicaIsListedWithItsRowsByTheOther() throws Exception {
        String channel = "chan-" + UUID.randomUUID().toString().substring(0, 8);
        String batchId = "listed-" + UUID.randomUUID();
        assertThat(send(0, batch(channel, batchId, 0, 3)).statusCode()).isEqualTo(200);

        JsonNode runs = JSON.readTree(getV1(1, "/v1/runs?syncId=two-replicas&destination=cleverpush&limit=50"));
        JsonNode run = null;
        for (JsonNode r : runs.get("runs")) {
            if (r.get("batchId").asString().equals(batchId)) {
                run = r;
            }
        }
        assertThat(run).as("replica 1 lists the batch replica 0 ran").isNotNull();
        assertThat(run.get("outcome").asString()).isEqualTo("succeeded");
        assertThat(run.at("/summary/succeeded").asInt()).isEqualTo(3);
        JsonNode failures = JSON.readTree(getV1(1, "/v1/runs/batch/failures?syncId=two-replicas&batchId=" + batchId));
        assertThat(failures.get("rowsAvailable").asBoolean()).as("read back from the ledger in Redis").isTrue();
        assertThat(failures.get("totalFailed").asInt()).isZero();
        assertThat(runs.toString()).doesNotContain(API_KEY);
    }

    static String getV1(int replica, String path) throws Exception {
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(replicas.uri(replica, path)).header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void twoReplicasTogetherKeepAChannelWithinItsRate() {
        String channel = "chan-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode a = batch(channel, "batch-" + UUID.randomUUID(), 0, 20);
        ObjectNode b = batch(channel, "batch-" + UUID.randomUUID(), 20, 20);

        CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(() -> send(0, a));
        CompletableFuture<HttpResponse<String>> onB = CompletableFuture.supplyAsync(() -> send(1, b));
        for (var sent : List.of(Map.entry(a, onA.join()), Map.entry(b, onB.join()))) {
            assertThat(sent.getValue().statusCode()).isEqualTo(200);
            JsonNode answer = JSON.readTree(sent.getValue().body());
            BatchAssertions.assertOneResultPerRowInOrder(sent.getKey(), answer);
            BatchAssertions.assertAllSucceeded(answer);
        }

        List<LoggedRequest> calls = callsFor(channel);
        assertThat(calls.stream().filter(r -> r.getUrl().startsWith("/subscription/"))).hasSize(40);
        double seconds = (calls.get(calls.size() - 1).getLoggedDate().getTime()
                - calls.get(0).getLoggedDate().getTime()) / 1000.0;
        // each replica's own limiter alone allows LIMIT/s, so without the shared bucket they would send 2 * LIMIT/s
        assertThat(calls.size()).as("%d calls in %.2f s", calls.size(), seconds)
                .isLessThanOrEqualTo(LIMIT * ((int) Math.ceil(seconds) + 1));
    }

    @Test
    void theReplicasShareTheSnapshotsAndTheirLeases() {
        SnapshotStore one = replicas.context(0).getBean(SnapshotStore.class);
        SnapshotStore two = replicas.context(1).getBean(SnapshotStore.class);
        assertThat(one).isInstanceOf(RedisSnapshotStore.class);
        assertThat(two).isInstanceOf(RedisSnapshotStore.class).isNotSameAs(one);
        String target = UUID.randomUUID().toString().replace("-", "");

        try (SnapshotStore.Lease lease = one.lease(target)) {
            assertThatThrownBy(() -> two.lease(target)).isInstanceOf(SnapshotBusyException.class);
            SnapshotStore.Changes changes = new SnapshotStore.Changes();
            changes.add(-3L, "sub-b");
            changes.add(4L, "sub-c");
            changes.add(Long.MIN_VALUE, "sub-a");
            one.apply(target, changes);
        }
        List<String> seen = new ArrayList<>();
        try (SnapshotStore.Lease lease = two.lease(target)) {
            two.forEach(target, (hash, member) -> seen.add(hash + "=" + member));
            assertThat(two.forget(target)).isTrue();
        }
        assertThat(seen).containsExactly(Long.MIN_VALUE + "=sub-a", "-3=sub-b", "4=sub-c");
        assertThat(one.exists(target)).isFalse();
    }

    @Test
    void aReplaceRunOnOneReplicaIsTheSnapshotTheOtherComparesWith() {
        String channel = "chan-" + UUID.randomUUID().toString().substring(0, 8);

        JsonNode first = JSON.readTree(send(0, tagAudience(channel, "s-1", "s-2")).body());
        cleverPush.resetRequests();
        JsonNode second = JSON.readTree(send(1, tagAudience(channel, "s-2", "s-3")).body());

        assertThat(first.get("snapshot").asString()).isEqualTo("created");
        assertThat(second.get("snapshot").asString()).isEqualTo("updated");
        assertThat(second.get("results").get(0).get("error").get("code").asString()).isEqualTo("unchanged");
        assertThat(second.get("removed").get(0).get("identifier").asString()).isEqualTo("s-1");
        List<String> calls = new ArrayList<>();
        for (var e : cleverPush.getAllServeEvents()) {
            if (e.getRequest().getUrl().startsWith("/subscription/")) {
                JsonNode call = JSON.readTree(e.getRequest().getBodyAsString());
                calls.add(e.getRequest().getUrl() + " " + call.get("subscriptionId").asString() + "|"
                        + call.get("tagId").asString());
            }
        }
        assertThat(calls).containsExactlyInAnyOrder("/subscription/tag s-3|vip", "/subscription/untag s-1|vip");
    }

    static ObjectNode tagAudience(String channel, String... subscriptionIds) {
        ObjectNode body = JSON.createObjectNode();
        body.put("syncId", "two-replicas");
        body.put("batchId", "replace-" + UUID.randomUUID());
        body.putObject("connection").put("channelId", channel).put("apiKey", API_KEY);
        body.put("objectType", "tags");
        body.put("mode", "replace");
        body.putObject("options").put("tagId", "vip");
        var rows = body.putArray("rows");
        for (String id : subscriptionIds) {
            ObjectNode row = rows.addObject();
            row.put("id", "row-" + id);
            row.putObject("fields").put("subscription_id", id);
        }
        return body;
    }
}
