package io.pushsync.api.census;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.api.ProblemTypes;
import io.pushsync.testsupport.PushsyncReplicas;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Census call sent without a length (chunked), so that the Content-Length filter cannot refuse it up front, is read
 * as a stream and stopped once it runs past {@code pushsync.batch.max-body-size} (here 64KB): 413 Problem Details
 * naming the key, as for a {@code /v1} batch ({@code io.pushsync.api.ChunkedBodyLimitTest}), and the rest of the body
 * is not read.
 */
class CensusChunkedBodyTest {

    private static final String TOKEN = "census-chunked-token";
    private static final int LIMIT = 64 * 1024;
    /** What the endless call would send in all: far more than the limit, the server's buffers and its swallowing. */
    private static final long HUGE = 64L * 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static PushsyncReplicas app;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        app = PushsyncReplicas.start(1, Map.of("pushsync.api-tokens", TOKEN,
                "pushsync.batch.max-body-size", "64KB",
                "pushsync.cleverpush.base-url", "http://127.0.0.1:9", "logging.level.root", "WARN",
                "pushsync.connections.cp.type", "cleverpush",
                "pushsync.connections.cp.channel-id", "chanChunked01",
                "pushsync.connections.cp.api-key", "cp-chunked-api-key"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static final String PREFIX = "{\"jsonrpc\": \"2.0\", \"method\": \"sync_batch\", \"id\": \"chunked-1\", "
            + "\"params\": {\"sync_plan\": {\"object\": {\"object_api_name\": \"subscriptions\"}, \"operation\": "
            + "\"upsert\", \"schema\": {}}, \"records\": [";

    /**
     * A {@code sync_batch} call of {@code total} bytes (records of made-up subscriptions), generated as it is read,
     * counting what was read from it.
     */
    static final class GeneratedCall extends InputStream {
        private final long total;
        private final AtomicLong read = new AtomicLong();
        private byte[] pending = PREFIX.getBytes(StandardCharsets.UTF_8);
        private int at;
        private long records;
        private boolean closed;

        GeneratedCall(long total) {
            this.total = total;
        }

        /** How many bytes were read from it. */
        long consumed() {
            return read.get();
        }

        private boolean refill() {
            if (closed) {
                return false;
            }
            if (read.get() + 200 >= total) {
                pending = "{\"subscription_id\": \"last\"}]}}".getBytes(StandardCharsets.UTF_8);
                closed = true;
            } else {
                long n = records++;
                pending = ("{\"subscription_id\": \"sub-" + n + "\", \"email\": \"u" + n + "@example.com\"},")
                        .getBytes(StandardCharsets.UTF_8);
            }
            at = 0;
            return true;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                if (at == pending.length && !refill()) {
                    break;
                }
                int k = Math.min(len - n, pending.length - at);
                System.arraycopy(pending, at, b, off + n, k);
                at += k;
                n += k;
            }
            read.addAndGet(n);
            return n == 0 ? -1 : n;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }
    }

    @Test
    void aChunkedCallOverTheLimitIs413AndIsNotReadToItsEnd() throws Exception {
        GeneratedCall body = new GeneratedCall(HUGE);
        AtomicLong sent = new AtomicLong();
        String response;
        try (Socket socket = new Socket("127.0.0.1", app.port(0))) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /census/cp?census_authentication=" + TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = body.read(buf, 0, buf.length)) > 0; ) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(buf, 0, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        sent.addAndGet(n);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed the connection before the body ended: what is expected
                }
            }, "census-chunked-writer");
            writer.setDaemon(true);
            writer.start();
            response = readResponse(socket.getInputStream());
            socket.close(); // stops the writer if the server has not closed the connection yet
            writer.join(60_000);
        }

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(response.toLowerCase(Locale.ROOT)).contains("connection: close");
        String problem = response.substring(response.indexOf("\r\n\r\n") + 4);
        JsonNode p = JSON.readTree(problem);
        assertThat(p.get("type").asString()).isEqualTo(ProblemTypes.BODY_TOO_LARGE);
        assertThat(p.get("status").asInt()).isEqualTo(413);
        assertThat(p.get("detail").asString()).contains("pushsync.batch.max-body-size")
                .contains(Integer.toString(LIMIT));
        assertThat(problem).doesNotContain(TOKEN);
        // the server stopped reading at the limit: what the client managed to send before the connection was closed
        // is the limit plus what socket buffers and the container's discarding take in, far from the whole call
        assertThat(sent.get()).as("bytes sent of %d", HUGE).isLessThan(HUGE / 2);
        assertThat(body.consumed()).isLessThan(HUGE / 2);
    }

    @Test
    void aChunkedCallWithinTheLimitIsAnswered() throws Exception {
        byte[] call = ("{\"params\": {\"object\": {\"object_api_name\": \"tags\"}}, \"id\": \"within-1\", "
                + "\"method\": \"supported_operations\", \"jsonrpc\": \"2.0\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(app.uri(0, "/census/cp?census_authentication="
                        + TOKEN)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(call))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("id").asString()).isEqualTo("within-1");
        assertThat(answer.at("/result/operations/0").asString()).isEqualTo("upsert");
    }

    /** One HTTP/1.1 response: its head and its body (by Content-Length, chunked, or up to the end of the stream). */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        String lower = headers.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int cl = lower.indexOf("\r\ncontent-length:");
        if (cl >= 0) {
            int end = lower.indexOf("\r\n", cl + 2);
            int length = Integer.parseInt(headers.substring(cl + "\r\ncontent-length:".length(), end).trim());
            body.write(in.readNBytes(length));
        } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else {
            body.write(in.readAllBytes());
        }
        return headers + body.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
