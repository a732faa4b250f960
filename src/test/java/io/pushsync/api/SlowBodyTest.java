package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.testsupport.PushsyncReplicas;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch or Census body that takes longer than {@code pushsync.batch.body-read-timeout} to arrive is stopped while it
 * is read (408 Problem Details, the connection closed), so a body sent slowly cannot hold its room in memory for
 * longer; one that arrives in time is read as usual.
 */
class SlowBodyTest {

    private static final String TOKEN = "slow-token";
    private static PushsyncReplicas app;

    @BeforeAll
    static void start() {
        app = PushsyncReplicas.start(1, Map.of("pushsync.api-tokens", TOKEN,
                "pushsync.batch.body-read-timeout", "1s",
                "pushsync.connections.cp.type", "cleverpush", "pushsync.connections.cp.channel-id", "c",
                "pushsync.connections.cp.api-key", "k",
                "pushsync.cleverpush.base-url", "http://127.0.0.1:9", "logging.level.root", "WARN"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static byte[] batch() {
        return ("{\"syncId\":\"s\",\"batchId\":\"b\",\"objectType\":\"subscriptions\",\"mode\":\"upsert\",\"dryRun\":true,"
                + "\"connection\":{\"channelId\":\"c\",\"apiKey\":\"k\"},\"rows\":[{\"id\":\"r1\",\"fields\":"
                + "{\"subscription_id\":\"s1\"}}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** A response as far as the test needs it. */
    record Answer(int statusCode, String body) {
    }

    /**
     * Sends the request over a socket of its own: the headers and the body's first half at once, its second half
     * after {@code pause}.
     */
    private Answer post(String path, byte[] body, Duration pause) throws Exception {
        URI uri = app.uri(0, path);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            int half = body.length / 2;
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, half);
            out.flush();
            Thread.sleep(pause.toMillis());
            try {
                out.write(body, half, body.length - half);
                out.flush();
            } catch (IOException e) {
                // the server may have answered and closed already
            }
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            return new Answer(status, response.substring(response.indexOf("\r\n\r\n") + 4));
        }
    }

    @Test
    void aBatchBodyArrivingTooSlowlyIs408AndOneInTimeIsRead() throws Exception {
        Answer slow = post("/v1/destinations/cleverpush/batches", batch(), Duration.ofMillis(1500));
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(408);
        assertThat(slow.body()).contains("urn:pushsync:problem:body-read-timeout")
                .contains("pushsync.batch.body-read-timeout").doesNotContain("\"k\"");

        Answer inTime = post("/v1/destinations/cleverpush/batches", batch(), Duration.ofMillis(100));
        assertThat(inTime.statusCode()).as(inTime.body()).isEqualTo(200);
    }

    @Test
    void aCensusCallArrivingTooSlowlyIs408() throws Exception {
        byte[] call = "{\"jsonrpc\":\"2.0\",\"method\":\"list_objects\",\"id\":\"1\",\"params\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        Answer slow = post("/census/cp", call, Duration.ofMillis(1500));
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(408);
        assertThat(slow.body()).contains("urn:pushsync:problem:body-read-timeout");

        Answer inTime = post("/census/cp", call, Duration.ofMillis(100));
        assertThat(inTime.statusCode()).as(inTime.body()).isEqualTo(200);
        assertThat(inTime.body()).contains("\"objects\"");
    }
}
