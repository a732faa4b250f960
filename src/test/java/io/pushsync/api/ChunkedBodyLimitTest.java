package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.testsupport.PushsyncReplicas;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A body sent without a length (chunked), so that the Content-Length filter cannot refuse it up front, is stopped
 * while it is read once it runs past its own path's limit: a batch at {@code pushsync.batch.max-body-size}, a job
 * at {@code pushsync.jobs.max-body-size} (the parser's single bound is the larger of the two).
 */
class ChunkedBodyLimitTest {

    private static final String TOKEN = "chunked-token";
    private static PushsyncReplicas app;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        app = PushsyncReplicas.start(1, Map.of("pushsync.api-tokens", TOKEN,
                "pushsync.batch.max-body-size", "2KB", "pushsync.jobs.max-body-size", "8KB",
                "pushsync.cleverpush.base-url", "http://127.0.0.1:9", "logging.level.root", "WARN"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A CleverPush subscriptions body of about {@code bytes} bytes (nothing is sent: the checks come first). */
    private static byte[] body(int bytes) {
        StringBuilder sb = new StringBuilder("{\"syncId\":\"s\",\"batchId\":\"b-" + bytes + "\",\"objectType\":"
                + "\"subscriptions\",\"mode\":\"upsert\",\"connection\":{\"channelId\":\"c\",\"apiKey\":\"k\"},"
                + "\"rows\":[");
        for (int i = 0; sb.length() < bytes; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":\"r").append(i).append("\",\"fields\":{\"email\":\"u")
                    .append(i).append("@example.com\"}}");
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> postChunked(String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(app.uri(0, path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aChunkedBatchOverTheBatchLimitIs413NamingItsKey() throws Exception {
        HttpResponse<String> r = postChunked("/v1/destinations/cleverpush/batches", body(4_000));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("urn:pushsync:problem:body-too-large").contains("pushsync.batch.max-body-size")
                .doesNotContain("\"k\"");
    }

    @Test
    void aChunkedJobIsHeldToTheJobLimitNotTheBatchOne() throws Exception {
        HttpResponse<String> within = postChunked("/v1/destinations/cleverpush/jobs", body(4_000));
        HttpResponse<String> over = postChunked("/v1/destinations/cleverpush/jobs", body(12_000));

        assertThat(within.statusCode()).as(within.body()).isEqualTo(202);
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(over.body()).contains("urn:pushsync:problem:body-too-large").contains("pushsync.jobs.max-body-size");
    }
}
