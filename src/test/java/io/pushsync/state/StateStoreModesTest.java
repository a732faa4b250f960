package io.pushsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushsync.state.redis.RedisSnapshotStore;
import io.pushsync.sync.snapshots.OnDiskSnapshotStore;
import io.pushsync.sync.snapshots.SnapshotStore;
import io.pushsync.testsupport.PushsyncReplicas;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two values of {@code pushsync.state.store} at the edges: the default needs no Redis at all; with {@code redis}
 * an unreachable Redis is a 503 for the request, never a failed health probe; anything else stops start-up.
 */
class StateStoreModesTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static Map<String, String> base(int redisPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pushsync.api-tokens", "t");
        p.put("spring.data.redis.host", "127.0.0.1");
        p.put("spring.data.redis.port", Integer.toString(redisPort));
        p.put("spring.data.redis.timeout", "2s");
        // no vendor: rows fail at once (connection refused, no retry)
        p.put("pushsync.cleverpush.base-url", "http://127.0.0.1:1");
        p.put("resilience4j.retry.configs.cleverpush.max-attempts", "1");
        return p;
    }

    static String batch() {
        return """
                {"syncId":"modes","batchId":"%s","connection":{"channelId":"chanModes","apiKey":"k"},
                 "objectType":"subscriptions","mode":"upsert",
                 "rows":[{"id":"r1","fields":{"subscription_id":"s1","plan":"p"}}]}
                """.formatted("batch-" + UUID.randomUUID());
    }

    @Test
    void theDefaultStoreNeverConnectsToRedisAndIsHealthyWithoutIt() throws Exception {
        try (ServerSocket fakeRedis = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                PushsyncReplicas replica = PushsyncReplicas.start(1, base(fakeRedis.getLocalPort()))) {
            HttpResponse<String> answer = replica.post(0, "/v1/destinations/cleverpush/batches", batch(), "t");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(replica.get(0, "/actuator/health").body()).contains("\"UP\"");
            assertThat(replica.get(0, "/actuator/health/readiness").statusCode()).isEqualTo(200);
            assertThat(replica.context(0).getBeansOfType(SnapshotStore.class).values())
                    .singleElement().isInstanceOf(OnDiskSnapshotStore.class);

            fakeRedis.setSoTimeout(200);
            assertThatThrownBy(() -> {
                try (Socket ignored = fakeRedis.accept()) {
                    // a connection attempt would be waiting here
                }
            }).as("nothing connected to the configured Redis").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void anUnreachableRedisIsA503ForTheRequestButNotForTheProbes() throws Exception {
        Map<String, String> p = base(1);
        p.put("pushsync.state.store", "redis");
        try (PushsyncReplicas replica = PushsyncReplicas.start(1, p)) {
            HttpResponse<String> answer = replica.post(0, "/v1/destinations/cleverpush/batches", batch(), "t");

            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            JsonNode problem = JSON.readTree(answer.body());
            assertThat(problem.get("type").asString()).isEqualTo("urn:pushsync:problem:state-store-unavailable");
            assertThat(problem.get("status").asInt()).isEqualTo(503);
            assertThat(replica.get(0, "/actuator/health/liveness").statusCode()).isEqualTo(200);
            assertThat(replica.get(0, "/actuator/health/readiness").statusCode()).isEqualTo(200);
            assertThat(replica.get(0, "/actuator/health").statusCode()).isEqualTo(200);
            assertThat(replica.context(0).getBeansOfType(SnapshotStore.class).values())
                    .as("one snapshot store, the shared one").singleElement().isInstanceOf(RedisSnapshotStore.class);
        }
    }

    @Test
    void anUnknownStoreStopsStartUpNamingTheKey() {
        Map<String, String> p = base(1);
        p.put("pushsync.state.store", "memcached");
        assertThatThrownBy(() -> PushsyncReplicas.start(1, p).close())
                .hasStackTraceContaining("pushsync.state.store must be 'in-process' or 'redis', not 'memcached'");
    }
}
