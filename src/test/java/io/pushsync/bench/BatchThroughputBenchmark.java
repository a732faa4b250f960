package io.pushsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Prints throughput and memory figures of whole profile batches (HTTP in, validation, normalisation, chunking,
 * vendor calls to the in-process sandbox simulator, HTTP out). Not part of {@code verify}: run it with
 * <pre>./mvnw -B test -Dtest=BatchThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * It asserts only correctness (every row succeeded or accepted); the figures are for people to read.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = "logging.level.io.pushsync=WARN")
@ActiveProfiles("sandbox")
class BatchThroughputBenchmark {

    private static final int PORT = ServiceBenchmark.freePort();
    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        // measure pushsync, not the politeness of the default vendor rate limit
        registry.add("resilience4j.ratelimiter.configs.xtremepush.limit-for-period", () -> 10_000);
        registry.add("resilience4j.ratelimiter.configs.cleverpush.limit-for-period", () -> 100_000);
    }

    @Test
    void profileBatches() throws Exception {
        System.out.printf(Locale.ROOT, "%n%-10s %10s %10s %10s %12s %14s%n", "rows", "min ms", "median ms",
                "max ms", "rows/s", "heap peak MB");
        for (int rows : new int[] {1_000, 10_000, 100_000}) {
            byte[] body = null;
            List<Long> millis = new ArrayList<>();
            ServiceBenchmark.resetPeaks();
            for (int run = -1; run < RUNS; run++) { // run -1 warms up
                body = ServiceBenchmark.profileBody(rows, "bench-" + rows + "-" + run, -1, "sandbox-app-token");
                long start = System.nanoTime();
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + PORT + "/v1/destinations/xtremepush/batches"))
                        .header("Authorization", "Bearer sandbox-token")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                long took = (System.nanoTime() - start) / 1_000_000;
                assertThat(response.statusCode()).isEqualTo(200);
                JsonNode summary = JSON.readTree(response.body()).get("summary");
                assertThat(summary.get("succeeded").asInt() + summary.get("accepted").asInt()).isEqualTo(rows);
                if (run >= 0) {
                    millis.add(took);
                }
            }
            Collections.sort(millis);
            long median = millis.get(millis.size() / 2);
            System.out.printf(Locale.ROOT, "%-10d %10d %10d %10d %12.0f %14.0f%n", rows, millis.get(0), median,
                    millis.get(millis.size() - 1), rows * 1000.0 / Math.max(1, median), ServiceBenchmark.peakHeapMb());
            System.out.printf(Locale.ROOT, "           request body %.1f MB%n", body.length / 1e6);
        }
    }

    @Test
    void cleverPushSubscriptionBatches() throws Exception {
        System.out.printf(Locale.ROOT, "%n%-24s %10s %10s %12s %14s%n", "cleverpush subscriptions", "min ms",
                "median ms", "calls/s", "heap peak MB");
        for (int rows : new int[] {1_000, 10_000}) {
            List<Long> millis = new ArrayList<>();
            ServiceBenchmark.resetPeaks();
            for (int run = -1; run < RUNS; run++) {
                ObjectNode b = JSON.createObjectNode();
                b.put("syncId", "bench-cp").put("batchId", "cp-" + rows + "-" + run)
                        .put("objectType", "subscriptions").put("mode", "upsert");
                b.putObject("connection").put("channelId", "sandbox-channel").put("apiKey", "sandbox-api-key");
                ArrayNode arr = b.putArray("rows");
                for (int i = 0; i < rows; i++) {
                    ObjectNode f = arr.addObject().put("id", "row-" + i).putObject("fields");
                    f.put("subscription_id", "crm-" + i).put("email", "User." + i + "@Example.com")
                            .put("topics", "news, offers").put("plan", "gold");
                }
                long start = System.nanoTime();
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + PORT + "/v1/destinations/cleverpush/batches"))
                        .header("Authorization", "Bearer sandbox-token")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(b))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                long took = (System.nanoTime() - start) / 1_000_000;
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(response.body()).get("summary").get("succeeded").asInt()).isEqualTo(rows);
                if (run >= 0) {
                    millis.add(took);
                }
            }
            Collections.sort(millis);
            long median = millis.get(millis.size() / 2);
            System.out.printf(Locale.ROOT, "%-24d %10d %10d %12.0f %14.0f%n", rows, millis.get(0), median,
                    rows * 1000.0 / Math.max(1, median), ServiceBenchmark.peakHeapMb());
        }
    }
}
