package io.pushsync;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.pushsync.testsupport.HostileJson;
import io.pushsync.testsupport.PackagedJar;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile input against the packaged service in a JVM of its own at {@value #HEAP} with
 * {@code -XX:+ExitOnOutOfMemoryError} (as the container runs it), body limits of {@value #LIMIT_MB} MB, and vendors
 * played by a local server that reads and drops what it is sent. Generated and worst-case bodies within the limits
 * never get a 5xx, bodies over them are refused while read, and the process stays live throughout.
 *
 * <p>Memory: the heap is {@value #HEAP} for bodies up to {@value #LIMIT_MB} MB, i.e. at most 64 MB plus
 * {@value #FACTOR} times the body-size limit. The worst shapes for that factor (many short fields, all names
 * distinct, long values, the same at the Census endpoint and as a job) are sent at the limit; needing more heap
 * than that would end the process ({@code ExitOnOutOfMemoryError}) and fail every later check.
 */
class HostileInputIT {

    static final String HEAP = "-Xmx256m";
    static final int LIMIT_MB = 16;
    static final int FACTOR = 12;
    private static final int LIMIT = LIMIT_MB * 1024 * 1024;
    private static final String TOKEN = "sandbox-token";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Process process;
    private static Path log;
    private static String base;
    private static HttpServer vendor;
    private static final AtomicLong largestVendorBody = new AtomicLong();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeContainer
    static void start() throws Exception {
        Path jar = PackagedJar.path();
        vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        vendor.createContext("/", exchange -> {
            long n = 0;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buf = new byte[65536];
                for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                    n += r;
                }
            }
            largestVendorBody.accumulateAndGet(n, Math::max);
            byte[] answer = "{\"code\":200,\"success\":true,\"message\":\"ok\",\"id\":\"sub-1\",\"tags\":[]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        vendor.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        vendor.start();
        String vendorUrl = "http://127.0.0.1:" + vendor.getAddress().getPort();

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        log = Files.createTempFile("pushsync-hostile-", ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString(),
                "--spring.profiles.active=sandbox",
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--pushsync.batch.max-body-size=" + LIMIT_MB + "MB",
                "--pushsync.jobs.max-body-size=" + LIMIT_MB + "MB",
                "--pushsync.jobs.spool-dir=" + Files.createTempDirectory("pushsync-hostile-spool"),
                "--pushsync.xtremepush.regions.eu.base-url=" + vendorUrl,
                "--pushsync.xtremepush.regions.us.base-url=" + vendorUrl,
                "--pushsync.cleverpush.base-url=" + vendorUrl,
                "--resilience4j.ratelimiter.configs.xtremepush.limit-for-period=100000",
                "--resilience4j.ratelimiter.configs.cleverpush.limit-for-period=100000",
                "--logging.level.root=WARN"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        base = "http://127.0.0.1:" + port;
        if (PackagedJar.awaitReady(process, base, Duration.ofSeconds(120))) {
            return;
        }
        throw new IllegalStateException("the service did not become ready; log " + log + ":\n" + tail());
    }

    @AfterContainer
    static void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (vendor != null) {
            vendor.stop(0);
        }
    }

    // ---- generated bodies ----

    @Property(tries = 150)
    void noGeneratedBodyGetsA5xx(@ForAll("endpoints") String path, @ForAll("bodies") byte[] body) throws Exception {
        HttpResponse<String> r = post(path, HttpRequest.BodyPublishers.ofByteArray(body), null);
        assertThat(r.statusCode()).as("%s answered %s to %s", path, r.body(), new String(body,
                StandardCharsets.UTF_8)).isLessThan(500);
        assertLive();
    }

    @Provide
    Arbitrary<String> endpoints() {
        return Arbitraries.of("/v1/destinations/xtremepush/batches", "/v1/destinations/cleverpush/batches",
                "/v1/destinations/xtremepush/jobs", "/v1/destinations/xtremepush/connection-checks",
                "/census/sandbox-xtremepush", "/census/sandbox-cleverpush");
    }

    /** Anything from valid batches and Census calls with hostile values to broken JSON and stray bytes. */
    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<JsonNode> hostileRows = HostileJson.values(3).list().ofMaxSize(20).map(values -> {
            ArrayNode rows = NODES.arrayNode();
            for (int i = 0; i < values.size(); i++) {
                ObjectNode row = rows.addObject();
                row.put("id", "r" + i);
                JsonNode v = values.get(i);
                row.set("fields", v.isObject() ? v : NODES.objectNode().set("user_id", v));
            }
            return rows;
        });
        Arbitrary<byte[]> batches = Combinators.combine(Arbitraries.of("user_profiles", "list_members",
                        "subscriptions", "tags", "nonsense"), hostileRows, HostileJson.values(2))
                .as((objectType, rows, options) -> {
                    ObjectNode b = NODES.objectNode();
                    b.put("syncId", "hostile").put("batchId", UUID.randomUUID().toString());
                    b.put("connectionRef", objectType.equals("user_profiles") || objectType.equals("list_members")
                            ? "sandbox-xtremepush" : "sandbox-cleverpush");
                    b.put("objectType", objectType);
                    b.set("options", options);
                    b.set("rows", rows);
                    return JSON.writeValueAsBytes(b);
                });
        Arbitrary<byte[]> census = Combinators.combine(Arbitraries.of("sync_batch", "list_fields", "test_connection",
                        "nonsense"), hostileRows, HostileJson.values(2)).as((method, records, plan) -> {
                    ObjectNode call = NODES.objectNode();
                    call.put("jsonrpc", "2.0").put("id", UUID.randomUUID().toString()).put("method", method);
                    ObjectNode params = call.putObject("params");
                    params.set("sync_plan", plan.isObject() ? plan : NODES.objectNode()
                            .set("object", NODES.objectNode().put("object_api_name", "user_profiles")));
                    ArrayNode recs = params.putArray("records");
                    records.forEach(r -> recs.add(r.get("fields")));
                    return JSON.writeValueAsBytes(call);
                });
        Arbitrary<byte[]> anyJson = HostileJson.values(4).map(JSON::writeValueAsBytes);
        Arbitrary<byte[]> broken = Combinators.combine(batches, Arbitraries.integers().between(0, 400),
                Arbitraries.bytes()).as((b, cut, junk) -> {
                    byte[] copy = java.util.Arrays.copyOf(b, Math.min(b.length, cut + 1));
                    copy[copy.length - 1] = junk;
                    return copy;
                });
        Arbitrary<byte[]> deep = Arbitraries.integers().between(100, 5000)
                .map(d -> ("[".repeat(d) + "]".repeat(d)).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> duplicateKeys = batches.map(b -> new String(b, StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"syncId\":\"twice\",").getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, batches), net.jqwik.api.Tuple.of(3, census),
                net.jqwik.api.Tuple.of(2, anyJson), net.jqwik.api.Tuple.of(2, broken),
                net.jqwik.api.Tuple.of(1, deep), net.jqwik.api.Tuple.of(1, duplicateKeys),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)));
    }

    // ---- worst shapes at the limit ----

    /** One row with thousands of distinct field names (beyond the per-row field limit): a 200, the row fails. */
    @Example
    void aRowWithThousandsOfDistinctNames() throws Exception {
        StringBuilder fields = new StringBuilder("{\"user_id\":\"u\"");
        for (int i = 0; i < 3000; i++) {
            fields.append(",\"f").append(i).append("\":1");
        }
        String body = batch("user_profiles", "[{\"id\":\"r0\",\"fields\":" + fields + "}]}");
        HttpResponse<String> r = post("/v1/destinations/xtremepush/batches", ofString(body), null);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 400);
        assertLive();
    }

    /**
     * Rows whose field names are all different: a quarter of the limit, since every row is then a chunk (a vendor
     * request) of its own, which takes long (the memory such rows need grows with their number like any others').
     */
    @Example
    void rowsWhoseNamesAllDiffer() throws Exception {
        assertSurvives("/v1/destinations/xtremepush/batches", rows(LIMIT / 4, (i, sb) -> {
            sb.append("{\"id\":\"r").append(i).append("\",\"fields\":{\"user_id\":\"u").append(i).append('"');
            for (int f = 0; f < 199; f++) {
                sb.append(",\"n").append(i).append('_').append(f).append("\":1");
            }
            sb.append("}}");
        }), 200);
    }

    /** The most fields a body of the limit can hold: short names, one-character values. */
    @Example
    void manyShortFieldsUpToTheLimit() throws Exception {
        assertSurvives("/v1/destinations/xtremepush/batches", rows(LIMIT - 4096, (i, sb) -> {
            sb.append("{\"id\":\"").append(i).append("\",\"fields\":{\"user_id\":\"").append(i).append('"');
            for (int f = 0; f < 150; f++) {
                sb.append(",\"a").append(f).append("\":\"x\"");
            }
            sb.append("}}");
        }), 200);
    }

    /** Long values up to the limit: the vendor request bodies built from them stay bounded. */
    @Example
    void longValuesUpToTheLimit() throws Exception {
        String value = "v".repeat(60_000);
        assertSurvives("/v1/destinations/xtremepush/batches", rows(LIMIT - 4096, (i, sb) -> sb.append("{\"id\":\"r")
                .append(i).append("\",\"fields\":{\"user_id\":\"u").append(i).append("\",\"bio\":\"").append(value)
                .append("\"}}")), 200);
        assertThat(largestVendorBody.get()).as("the largest vendor request body")
                .isLessThanOrEqualTo(4L * 1024 * 1024); // pushsync.xtremepush.max-chunk-bytes
    }

    /** The same long values as a job: accepted, run to the end, process live. */
    @Example
    void longValuesAsAJob() throws Exception {
        String value = "w".repeat(60_000);
        HttpResponse<String> r = post("/v1/destinations/xtremepush/jobs", ofString(rows(LIMIT - 4096, (i, sb) ->
                sb.append("{\"id\":\"r").append(i).append("\",\"fields\":{\"user_id\":\"j").append(i)
                        .append("\",\"bio\":\"").append(value).append("\"}}"))), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String location = r.headers().firstValue("Location").orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String state = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> job = get(location);
            assertThat(job.statusCode()).isEqualTo(200);
            state = JSON.readTree(job.body()).path("state").asString();
            if (!state.equals("queued") && !state.equals("running")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(state).isEqualTo("completed");
        assertLive();
    }

    /** A Census sync_batch of the limit's size. */
    @Example
    void aCensusCallUpToTheLimit() throws Exception {
        StringBuilder sb = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":\"big\",\"method\":\"sync_batch\","
                + "\"params\":{\"sync_plan\":{\"object\":{\"object_api_name\":\"user_profiles\"},"
                + "\"operation\":\"upsert\"},\"records\":[");
        String value = "c".repeat(20_000);
        for (int i = 0; sb.length() < LIMIT - 30_000; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"user_id\":\"c").append(i).append("\",\"bio\":\"").append(value)
                    .append("\"}");
        }
        sb.append("]}}");
        HttpResponse<String> r = post("/census/sandbox-xtremepush", ofString(sb.toString()), null);
        assertThat(r.statusCode()).as(clip(r.body())).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).has("result")).as(clip(r.body())).isTrue();
        assertLive();
    }

    /** Bodies without a length (chunked) far over the limit, at /v1 and /census: refused while read. */
    @Example
    void chunkedBodiesOverTheLimitAreStoppedWhileRead() throws Exception {
        for (String path : List.of("/v1/destinations/xtremepush/batches", "/v1/destinations/xtremepush/jobs",
                "/census/sandbox-xtremepush")) {
            AtomicLong sent = new AtomicLong();
            long size = 12L * LIMIT;
            byte[] head = (path.startsWith("/census") ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sync_batch\","
                    + "\"params\":{\"records\":[\"" : "{\"syncId\":\"s\",\"batchId\":\"b\",\"rows\":[\"")
                    .getBytes(StandardCharsets.UTF_8);
            InputStream endless = new InputStream() {
                @Override
                public int read() {
                    long n = sent.getAndIncrement();
                    return n >= size ? -1 : n < head.length ? head[(int) n] : 'x';
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    int i = 0;
                    for (; i < len; i++) {
                        int c = read();
                        if (c < 0) {
                            break;
                        }
                        b[off + i] = (byte) c;
                    }
                    return i == 0 && len > 0 ? -1 : i;
                }
            };
            try {
                HttpResponse<String> r = post(path, HttpRequest.BodyPublishers.ofInputStream(() -> endless), null);
                assertThat(r.statusCode()).as("%s: %s", path, clip(r.body())).isEqualTo(413);
            } catch (IOException e) {
                // the service answered 413 and closed the connection while the client was still sending
            }
            assertThat(sent.get()).as("%s read past the limit", path).isLessThan(size / 2);
            assertLive();
        }
    }

    // ---- helpers ----

    private interface RowWriter {
        void write(int index, StringBuilder sb);
    }

    /** A Xtremepush profile batch whose rows (written by {@code row}) fill about {@code bytes}. */
    private static String rows(int bytes, RowWriter row) {
        StringBuilder sb = new StringBuilder(bytes + 70_000);
        sb.append("{\"syncId\":\"hostile-big\",\"batchId\":\"").append(UUID.randomUUID())
                .append("\",\"connectionRef\":\"sandbox-xtremepush\",\"objectType\":\"user_profiles\","
                        + "\"mode\":\"upsert\",\"rows\":[");
        int start = sb.length();
        for (int i = 0; i < 100_000; i++) {
            int before = sb.length();
            if (i > 0) {
                sb.append(',');
            }
            row.write(i, sb);
            if (sb.length() > bytes) {
                sb.setLength(before == start ? sb.length() : before);
                break;
            }
        }
        return sb.append("]}").toString();
    }

    private static String batch(String objectType, String rows) {
        return "{\"syncId\":\"hostile\",\"batchId\":\"" + UUID.randomUUID() + "\",\"connectionRef\":"
                + "\"sandbox-xtremepush\",\"objectType\":\"" + objectType + "\",\"mode\":\"upsert\",\"rows\":" + rows;
    }

    private static void assertSurvives(String path, String body, int expected) throws Exception {
        assertThat(body.length()).isLessThanOrEqualTo(LIMIT);
        HttpResponse<String> r = post(path, ofString(body), null);
        assertThat(r.statusCode()).as(clip(r.body())).isEqualTo(expected);
        assertLive();
    }

    private static HttpRequest.BodyPublisher ofString(String s) {
        return HttpRequest.BodyPublishers.ofByteArray(s.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, String contentType)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(3))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", contentType == null ? "application/json" : contentType)
                .POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The process is alive and its liveness probe answers 200. */
    private static void assertLive() throws Exception {
        assertThat(process.isAlive()).as("the service process ended; log:\n%s", tail()).isTrue();
        HttpResponse<String> live = get("/actuator/health/liveness");
        assertThat(live.statusCode()).as("liveness: %s", live.body()).isEqualTo(200);
    }

    private static String clip(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    private static String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()))
                    .toLowerCase(Locale.ROOT).contains("outofmemoryerror") ? "OutOfMemoryError:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()))
                    : String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
