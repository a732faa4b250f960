package io.pushsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pushsync.testsupport.PackagedJar;
import io.pushsync.testsupport.PushsyncReplicas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.springframework.util.FileSystemUtils;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The six figures of docs/benchmarks.md, measured in one run on this machine and printed, then written to
 * {@code target/benchmark/} (results.json, results.md, job-heap.png). Run with {@code ./mvnw -B -Pbenchmark verify}
 * (profile {@code benchmark}: Failsafe after {@code package}, nothing else). It asserts only correctness; no figure
 * is asserted. Every vendor is a JDK {@link HttpServer} on 127.0.0.1 in this JVM.
 */
class ServiceBenchmark {

    static final String TOKEN = "bench-token";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int RUNS = Integer.getInteger("bench.runs", 5);
    /** Warm-up batches before figures 1 and 6 at least, and at most (until {@link #steady}). */
    private static final int MIN_WARM_UPS = 3;
    private static final int MAX_WARM_UPS = Integer.getInteger("bench.max-warm-ups", 12);
    /** Three batch times in a row within this factor of each other: the JIT has compiled the batch's path. */
    private static final double STEADY = 1.10;
    private static final int BIG_BATCH = 100_000;
    private static final int JOB_ROWS = Integer.getInteger("bench.job-rows", 1_000_000);
    private static final int CP_RATE = 50;
    private static final int CP_ROWS = 1_000;
    private static final int ISOLATION_ROWS = 5_000;
    /** Figure 1's vendor: the time it takes to answer one import request (a real import of 5,000 takes longer). */
    /** {@code -Dbench.quick=true}: figures 1, 2 (in-process) and 6 only, for profiling. */
    private static final boolean QUICK = Boolean.getBoolean("bench.quick");
    /** {@code -Dbench.cleverpush-only=true}: figure 3 (CleverPush, native and user_id ids) only. */
    private static final boolean CLEVERPUSH_ONLY = Boolean.getBoolean("bench.cleverpush-only");
    private static final int VENDOR_MS = Integer.getInteger("bench.vendor-ms", 100);

    static {
        // the JDK server's default leaves Nagle on: a small answer written in two parts then waits for the
        // client's delayed ACK (about 40 ms per request), which would be measured as vendor time
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String> markdown = new ArrayList<>();

    @Test
    void measure() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path out = Path.of(System.getProperty("bench.out", "target/benchmark"));
        Files.createDirectories(out);
        results.put("date", LocalDate.now().toString());
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"),
                "maxHeapMb", Runtime.getRuntime().maxMemory() / 1_000_000));
        List<double[]> jobHeap;
        List<double[]> jarJobHeap = List.of();
        try (FakeVendor xp = FakeVendor.start(); FakeVendor cp = FakeVendor.start()) {
            Map<String, String> props = serviceProperties(xp, cp);
            try (PushsyncReplicas app = PushsyncReplicas.start(1, props)) {
                String base = "http://127.0.0.1:" + app.port(0);
                if (!CLEVERPUSH_ONLY) {
                    throughputAndHeap(base, xp);
                }
                if (CLEVERPUSH_ONLY) {
                    // the other figures warm the JVM up first; alone, a first batch does
                    cleverPushBatch(base, cp, "cp-warm-up", "warm-up-", null, 200, "0_cleverPushWarmUp",
                            "(warm-up, not a figure)");
                    cleverPush(base, cp);
                    jobHeap = List.of();
                } else if (QUICK) {
                    jobHeap = List.of();
                } else {
                    cleverPush(base, cp);
                    isolation(base, xp);
                    jobHeap = job(base, xp, JOB_ROWS, "in-process", this::inProcessHeapMb);
                }
            }
            if (!QUICK && !CLEVERPUSH_ONLY) {
                jarJobHeap = smallHeapJar(xp, cp, out);
            }
        }
        markdown.add(pendingRate);
        markdown.add("");
        markdown.add("In-process heap figures are the whole test JVM (service, HTTP client with its request bodies, fake "
                + "vendors): an upper bound, garbage included. The -Xmx256m rows run the packaged jar in its own JVM "
                + "(-XX:+ExitOnOutOfMemoryError, the image's collector: " + Jar.imageCollector() + "); its heap is "
                + "read from /actuator/prometheus (jvm_memory_used_bytes, area=heap). Heap over time of the jobs: "
                + "job-heap.png and results.json.");
        Files.writeString(out.resolve("results.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        Files.writeString(out.resolve("results.md"), String.join("\n", markdown) + "\n");
        chart(out.resolve("job-heap.png"), jobHeap, jarJobHeap);
        System.out.println("\n==== benchmark results (" + out.toAbsolutePath() + ") ====");
        markdown.forEach(System.out::println);
    }

    /** The service's settings against these fakes ({@code cp} may be null: CleverPush left as configured). */
    static Map<String, String> serviceProperties(FakeVendor xp, FakeVendor cp) {
        Map<String, String> p = vendorProperties(xp, cp);
        p.put("pushsync.cleverpush.concurrency", "16");
        p.put("pushsync.jobs.max-body-size", "512MB");
        p.put("resilience4j.ratelimiter.configs.xtremepush.limit-for-period", "100000");
        p.put("resilience4j.ratelimiter.configs.cleverpush.limit-for-period", Integer.toString(CP_RATE));
        return p;
    }

    /** The token, the vendors' URLs ({@code cp} may be null) and quiet logs: every other setting as configured. */
    static Map<String, String> vendorProperties(FakeVendor xp, FakeVendor cp) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pushsync.api-tokens", TOKEN);
        p.put("pushsync.xtremepush.regions.eu.base-url", xp.url());
        if (cp != null) {
            p.put("pushsync.cleverpush.base-url", cp.url());
        }
        p.put("logging.level.root", "WARN");
        p.put("logging.level.io.pushsync", "WARN");
        return p;
    }

    // ---- figures 1, 2 and 6 ----

    /** Figures 1 and 6 at one vendor latency: the service's and the direct times of the same chunks. */
    private record Pair(int vendorMs, List<Long> serviceMs, List<Long> directMs, int chunks, double peakMb,
            List<Long> cpuMs, List<Long> gcPauseMs, List<Long> warmUpMs) {
        long service() {
            return median(serviceMs);
        }

        /** The test JVM's CPU time during a timed batch (service, client and fake vendor together), median. */
        long cpu() {
            return median(cpuMs);
        }

        /** The collectors' pause time during a timed batch, median. */
        long gcPauses() {
            return median(gcPauseMs);
        }

        long direct() {
            return median(directMs);
        }

        double ratio() {
            return (double) service() / Math.max(1, direct());
        }
    }

    private Pair pair(String base, FakeVendor xp, int vendorMs) throws Exception {
        xp.handler = body -> FakeVendor.ok();
        xp.latencyMs = vendorMs;
        // warm-up: the JIT compiles the hot paths of a batch this size; on 2 cores its compiler threads take
        // several batches, so batches are sent until three in a row are within STEADY of each other
        List<Long> warmUpMs = new ArrayList<>();
        for (int w = 0; w < MAX_WARM_UPS && (w < MIN_WARM_UPS || !steady(warmUpMs)); w++) {
            byte[] body = profileBody(BIG_BATCH, "warm-up-" + vendorMs + "-" + w);
            long start = System.nanoTime();
            postBatch(base, "xtremepush", body, BIG_BATCH);
            warmUpMs.add((System.nanoTime() - start) / 1_000_000);
        }
        List<Long> serviceMs = new ArrayList<>();
        List<Long> cpuMs = new ArrayList<>();
        List<Long> gcPauseMs = new ArrayList<>();
        double peak = 0;
        for (int run = 0; run < RUNS; run++) {
            byte[] body = profileBody(BIG_BATCH, "big-" + vendorMs + "-" + run);
            xp.captured.clear();
            xp.capture = true;
            resetPeaks();
            long cpu = processCpuNanos();
            long gc = gcPauseMillis();
            long start = System.nanoTime();
            postBatch(base, "xtremepush", body, BIG_BATCH);
            serviceMs.add((System.nanoTime() - start) / 1_000_000);
            cpuMs.add((processCpuNanos() - cpu) / 1_000_000);
            gcPauseMs.add(gcPauseMillis() - gc);
            peak = Math.max(peak, peakHeapMb());
            xp.capture = false;
        }
        List<byte[]> chunks = new ArrayList<>(xp.captured);
        List<Long> directMs = new ArrayList<>();
        for (int run = -1; run < RUNS; run++) { // run -1 warms the client up
            long start = System.nanoTime();
            for (byte[] chunk : chunks) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(xp.url()
                                + "/api/external/import/profile")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(chunk)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
            }
            if (run >= 0) {
                directMs.add((System.nanoTime() - start) / 1_000_000);
            }
        }
        xp.latencyMs = 0;
        return new Pair(vendorMs, serviceMs, directMs, chunks.size(), peak, cpuMs, gcPauseMs, warmUpMs);
    }

    /** What ended a warm-up: three batches in a row within {@link #STEADY} of each other, or the cap. */
    private static String warmUpEnd(List<Long> warmUpMs) {
        return steady(warmUpMs) ? String.format(Locale.ROOT, "ended when three in a row were within %.0f %% of each "
                + "other", (STEADY - 1) * 100) : "ended at the cap of " + MAX_WARM_UPS + " (-Dbench.max-warm-ups)";
    }

    /** Whether the last three batch times are within {@link #STEADY} of each other (max / min). */
    static boolean steady(List<Long> ms) {
        if (ms.size() < 3) {
            return false;
        }
        List<Long> last = ms.subList(ms.size() - 3, ms.size());
        return Collections.max(last) <= STEADY * Math.max(1, Collections.min(last));
    }

    private static Map<String, Object> pairResult(Pair p) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("rows", BIG_BATCH);
        f.put("vendorMsPerRequest", p.vendorMs());
        f.put("chunks", p.chunks());
        f.put("serviceMsMedian", p.service());
        f.put("serviceMsRuns", p.serviceMs());
        f.put("warmUpMs", p.warmUpMs());
        f.put("directMsMedian", p.direct());
        f.put("directMsRuns", p.directMs());
        f.put("ratio", round(p.ratio()));
        f.put("testJvmCpuMsMedian", p.cpu());
        f.put("testJvmCpuMsRuns", p.cpuMs());
        f.put("gcPauseMsMedian", p.gcPauses());
        f.put("gcPauseMsRuns", p.gcPauseMs());
        return f;
    }

    // ---- figures 1, 2 and 6 ----

    private void throughputAndHeap(String base, FakeVendor xp) throws Exception {
        Pair instant = pair(base, xp, 0);
        Pair slow = pair(base, xp, VENDOR_MS);
        results.put("1_serviceVsDirect", pairResult(slow));
        results.put("1_serviceVsDirect_instantVendor", pairResult(instant));
        results.put("2_heapPeakMb", Map.of("inProcessMb", Math.round(Math.max(instant.peakMb(), slow.peakMb())),
                "note", "sum of the heap pools' peak usage after a GC and resetPeakUsage, garbage included; "
                        + "same JVM as the client and the fake vendor (upper bound)"));
        double rate = BIG_BATCH * 1000.0 / Math.max(1, instant.service());
        double ownRate = BIG_BATCH * 1000.0 / Math.max(1, instant.service() - instant.direct());
        results.put("6_serviceRowsPerSecond", Map.of("endToEnd", Math.round(rate),
                "excludingVendorTime", Math.round(ownRate),
                "note", "100,000 rows / median time with a vendor that answers at once; the second figure "
                        + "subtracts the direct (vendor-only) time"));
        markdown.add("| figure | measured | target | met |");
        markdown.add("|---|---|---|---|");
        markdown.add(String.format(Locale.ROOT, "| (1) 100k Xtremepush batch, service vs direct, vendor answering "
                + "each request in %d ms | %,d ms vs %,d ms (%d chunks, median of %d): ratio %.2f | <= 1.0 "
                + "(stretch 0.8) | %s |", VENDOR_MS, slow.service(), slow.direct(), slow.chunks(), RUNS,
                slow.ratio(), slow.ratio() <= 1.0 ? "yes" : "no"));
        markdown.add(String.format(Locale.ROOT, "| (1) warm-up batches before it (ms), %s | %s | - | - |",
                warmUpEnd(slow.warmUpMs()), slow.warmUpMs()));
        markdown.add(String.format(Locale.ROOT, "| (1') the same, vendor answering at once | %,d ms vs %,d ms: "
                + "ratio %.2f; CPU time of the test JVM during a batch %,d ms (service, client and fake vendor), "
                + "GC pauses %,d ms (medians) | (no target: the service's own work) | - |", instant.service(),
                instant.direct(), instant.ratio(), instant.cpu(), instant.gcPauses()));
        markdown.add(String.format(Locale.ROOT, "| (1') warm-up batches before it (ms), %s | %s | - | - |",
                warmUpEnd(instant.warmUpMs()), instant.warmUpMs()));
        markdown.add(String.format(Locale.ROOT, "| (2) heap high-water mark, 100k batch (in-process, garbage "
                + "included) | %,.0f MB | succeeds at -Xmx256m | see the -Xmx256m row |",
                Math.max(instant.peakMb(), slow.peakMb())));
        pendingRate = String.format(Locale.ROOT, "| (6) service's own rate, vendor answering at once | %,.0f "
                + "rows/s end to end (%,.0f rows/s without the vendor-only time) | >= 50,000 rows/s | %s |",
                rate, ownRate, rate >= 50_000 ? "yes" : "no");
    }

    private String pendingRate;

    // ---- figure 3 ----

    private void cleverPush(String base, FakeVendor cp) throws Exception {
        cp.handler = body -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Answer(200, "{\"success\":true}");
        };
        cleverPushBatch(base, cp, "cp-1", "crm-", null, CP_ROWS, "3_cleverPush", "(3) CleverPush");
        // subscriptionIdKind=user_id: the look-up answers after 100 ms too; a cold cache costs one look-up per row
        cp.getHandler = uri -> {
            int at = uri.indexOf("attribute_value=");
            if (at < 0) {
                return FakeVendor.ok();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Answer(200, "{\"_id\":\"native-" + uri.substring(at + "attribute_value=".length()) + "\"}");
        };
        try {
            cleverPushBatch(base, cp, "cp-cold", "user-", "user_id", CP_ROWS, "3_cleverPushUserIdCold",
                    "(3) CleverPush, subscriptionIdKind=user_id, cold cache (informational)");
            cleverPushBatch(base, cp, "cp-warm", "user-", "user_id", CP_ROWS, "3_cleverPushUserIdWarm",
                    "(3) CleverPush, subscriptionIdKind=user_id, warm cache");
        } finally {
            cp.getHandler = null;
        }
    }

    /** One batch of {@code rows} subscription syncs; the figure is its rows/s against the rate limit. */
    private void cleverPushBatch(String base, FakeVendor cp, String batchId, String userPrefix, String idKind,
            int rows, String key, String label) throws Exception {
        byte[] body = subscriptionBody(batchId, "bench-channel", userPrefix, idKind, rows);
        int before = cp.requests.get();
        long start = System.nanoTime();
        JsonNode summary = postBatch(base, "cleverpush", body, rows);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(summary.get("succeeded").asInt()).isEqualTo(rows);
        if (key.startsWith("0_")) {
            return; // a warm-up: no figure
        }
        int requests = cp.requests.get() - before;
        double perSecond = rows * 1000.0 / ms;
        double fraction = perSecond / CP_RATE;
        results.put(key, Map.of("rows", rows, "rateLimit", CP_RATE, "vendorLatencyMs", 100,
                "concurrency", 16, "ms", ms, "requests", requests,
                "rowsPerSecond", round(perSecond), "fractionOfR", round(fraction)));
        boolean cold = key.endsWith("Cold");
        markdown.add(String.format(Locale.ROOT, "| %s, vendor 100 ms, R = %d/s, concurrency 16, %,d rows "
                + "| %,d ms, %,d requests: %.1f rows/s = %.0f %% of R | %s | %s |", label, CP_RATE, rows, ms,
                requests, perSecond, fraction * 100, cold ? "(cost printed)" : ">= 95 % of R",
                cold ? "-" : fraction >= 0.95 ? "yes" : "no"));
    }

    /** {@code rows} CleverPush subscription upserts to {@code channelId}; {@code idKind} null: native ids. */
    static byte[] subscriptionBody(String batchId, String channelId, String userPrefix, String idKind, int rows) {
        StringBuilder sb = new StringBuilder("{\"syncId\":\"bench-cp\",\"batchId\":\"" + batchId
                + "\",\"objectType\":\"subscriptions\",\"mode\":\"upsert\",\"connection\":{\"channelId\":\""
                + channelId + "\",\"apiKey\":\"bench-api-key\"},"
                + (idKind == null ? "" : "\"options\":{\"subscriptionIdKind\":\"" + idKind + "\"},") + "\"rows\":[");
        for (int i = 0; i < rows; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":\"row-").append(i).append("\",\"fields\":{")
                    .append("\"subscription_id\":\"").append(userPrefix).append(i).append("\",\"email\":\"user.")
                    .append(i).append("@example.com\",\"plan\":\"gold\"}}");
        }
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- figure 4 ----

    private void isolation(String base, FakeVendor xp) throws Exception {
        byte[] bad = "bad-user-4242".getBytes(StandardCharsets.UTF_8);
        xp.handler = body -> indexOf(body, bad) >= 0
                ? new Answer(400, "{\"code\":400,\"success\":false,\"message\":\"invalid user\"}")
                : FakeVendor.ok();
        byte[] body = profileBody(ISOLATION_ROWS, "isolation", 2_345);
        int before = xp.requests.get();
        JsonNode summary = postBatch(base, "xtremepush", body, -1);
        int requests = xp.requests.get() - before;
        assertThat(summary.get("failed").asInt()).isEqualTo(1);
        assertThat(summary.get("succeeded").asInt() + summary.get("accepted").asInt()).isEqualTo(ISOLATION_ROWS - 1);
        double bound = 2 * (Math.log(ISOLATION_ROWS) / Math.log(2)) + 1;
        results.put("4_isolation", Map.of("rows", ISOLATION_ROWS, "badRows", 1, "requests", requests,
                "bound", round(bound)));
        markdown.add(String.format(Locale.ROOT, "| (4) requests to isolate 1 bad row in a %,d-row chunk | %d "
                + "(including the first, rejected request) | <= 2*log2(n)+1 = %.1f | %s |", ISOLATION_ROWS, requests,
                bound, requests <= bound ? "yes" : "no"));
        xp.handler = b -> FakeVendor.ok();
    }

    // ---- figure 5 ----

    private List<double[]> job(String base, FakeVendor xp, int rows, String label,
            HeapProbe heap) throws Exception {
        xp.handler = b -> FakeVendor.ok();
        List<double[]> series = new ArrayList<>();
        Map<String, Object> f5 = new LinkedHashMap<>();
        f5.put("rows", rows);
        results.put("5_job " + label + " " + rows, f5);
        byte[] body;
        try {
            body = profileBody(rows, "job-" + label.hashCode());
        } catch (OutOfMemoryError e) {
            f5.put("outcome", "the benchmark could not build the body: " + e);
            return series;
        }
        f5.put("bodyMb", round(body.length / 1e6));
        resetPeaks();
        long start = System.nanoTime();
        String outcome;
        try {
            HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(base
                            + "/v1/destinations/xtremepush/jobs")).timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            body = null;
            f5.put("acceptedAfterSeconds", round((System.nanoTime() - start) / 1e9));
            if (submitted.statusCode() != 202) {
                outcome = "submission answered " + submitted.statusCode() + ": " + abbreviate(submitted.body());
            } else {
                String jobId = JSON.readTree(submitted.body()).get("jobId").asString();
                JsonNode status = awaitJob(http, base, jobId, start, Duration.ofMinutes(6), Duration.ofSeconds(1),
                        heap, series);
                if (status == null) {
                    outcome = "did not finish within 6 minutes";
                } else {
                    String state = status.get("state").asString();
                    JsonNode s = status.get("summary");
                    int ok = s.get("succeeded").asInt() + s.get("accepted").asInt();
                    outcome = state + ", " + ok + " rows succeeded or accepted";
                    if (state.equals("completed")) {
                        assertThat(ok).isEqualTo(rows);
                    }
                }
            }
        } catch (IOException e) {
            outcome = "failed: " + e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double maxUsed = series.stream().mapToDouble(p -> p[1]).max().orElse(-1);
        String live = series.stream().map(p -> String.format(Locale.ROOT, "%.0f", p[3]))
                .collect(java.util.stream.Collectors.joining(", "));
        f5.put("outcome", outcome);
        f5.put("seconds", round(seconds));
        f5.put("heapUsedMaxSampledMb", Math.round(maxUsed));
        f5.put("heapSamples(t s, used MB, rows done, after-GC MB)", series);
        markdown.add(String.format(Locale.ROOT, "| (5) %,d-row job, %s | %s after %.0f s (202 after %.1f s; poll "
                + "every 1 s); sampled heap used: max %,.0f MB; after the last GC, MB: %s (chart) | 1M rows at "
                + "-Xmx256m, flat memory | see notes |", rows, label, outcome, seconds,
                f5.getOrDefault("acceptedAfterSeconds", -1.0), maxUsed, live));
        return series;
    }

    /**
     * Polls {@code /v1/jobs/{jobId}} every {@code every} until the job is neither queued nor running, adding a sample
     * per poll to {@code series}: seconds since {@code startNanos}, heap used MB, rows done, heap after the last GC MB.
     * Returns the job's last status, or null when it did not end within {@code timeout} of {@code startNanos}.
     */
    static JsonNode awaitJob(HttpClient http, String base, String jobId, long startNanos, Duration timeout,
            Duration every, HeapProbe heap, List<double[]> series) throws Exception {
        while (System.nanoTime() - startNanos < timeout.toNanos()) {
            Thread.sleep(every.toMillis());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + jobId))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode status = JSON.readTree(r.body());
            double t = (System.nanoTime() - startNanos) / 1e9;
            double[] mb = heap.usedAndLiveMb();
            series.add(new double[] {t, mb[0], status.at("/progress/done").asDouble(), mb[1]});
            String state = status.get("state").asString();
            if (!state.equals("queued") && !state.equals("running")) {
                return status;
            }
        }
        return null;
    }

    // ---- -Xmx256m: the packaged jar in its own JVM ----

    private List<double[]> smallHeapJar(FakeVendor xp, FakeVendor cp, Path out) throws Exception {
        Path jar = Path.of(System.getProperty("bench.jar", "target/none.jar"));
        if (!Files.isRegularFile(jar)) {
            results.put("xmx256m", "skipped: no jar at " + jar + " (run through -Pbenchmark verify)");
            markdown.add("| (2)/(5) at -Xmx256m | skipped: no packaged jar | | |");
            return List.of();
        }
        Map<String, Object> f2 = new LinkedHashMap<>();
        results.put("2_xmx256m_batch", f2);
        xp.handler = b -> FakeVendor.ok();
        Jar batchJar = Jar.start(jar, xp, cp, out.resolve("xmx256m-batch.log"));
        try {
            waitUntilReady(batchJar.base(), batchJar.process());
            String outcome;
            long start = System.nanoTime();
            try {
                JsonNode summary = postBatch(batchJar.base(), "xtremepush", profileBody(BIG_BATCH, "xmx-big"), -1);
                outcome = summary.toString();
            } catch (AssertionError | IOException e) {
                outcome = "failed: " + abbreviate(String.valueOf(e.getMessage()));
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            batchJar.process().waitFor(2, TimeUnit.SECONDS);
            String death = batchJar.death();
            f2.put("outcome", outcome);
            f2.put("ms", ms);
            f2.put("processDied", death);
            boolean ok = outcome.contains("\"failed\":0") && death == null;
            markdown.add(String.format(Locale.ROOT, "| (2) 100k batch, packaged jar at -Xmx256m | %s after %,d ms%s "
                    + "| succeeds | %s |", ok ? "all rows succeeded" : abbreviate(outcome), ms,
                    death == null ? "" : " (" + death + ")", ok ? "yes" : "no"));
        } finally {
            batchJar.stop();
        }
        // the 1M job first; if it does not fit, smaller jobs until one does (the largest size that worked)
        List<double[]> largest = List.of();
        for (int rows : new int[] {JOB_ROWS, 300_000, 100_000, 30_000, 10_000}) {
            if (rows > JOB_ROWS) {
                continue;
            }
            Jar jobJar = Jar.start(jar, xp, cp, out.resolve("xmx256m-job-" + rows + ".log"));
            try {
                waitUntilReady(jobJar.base(), jobJar.process());
                List<double[]> series = job(jobJar.base(), xp, rows, "jar at -Xmx256m",
                        () -> prometheusHeapMb(http, jobJar.base()));
                jobJar.process().waitFor(2, TimeUnit.SECONDS);
                String death = jobJar.death();
                results.put("5_xmx256m_" + rows + "_processDied", String.valueOf(death));
                if (death != null) {
                    markdown.add(String.format(Locale.ROOT, "| (5) %,d-row job at -Xmx256m: the service process | %s "
                            + "| | no |", rows, death));
                } else if (largest.isEmpty()) {
                    largest = series;
                    results.put("5_xmx256m_largestJobThatWorked", rows);
                    break;
                }
            } finally {
                jobJar.stop();
            }
        }
        return largest;
    }

    /**
     * The packaged service in a JVM of its own (-Xmx256m and the image's collector unless said), exiting on an
     * OutOfMemoryError.
     */
    record Jar(Process process, String base, Path log) {
        static Jar start(Path jar, FakeVendor xp, FakeVendor cp, Path log) throws IOException {
            return start(jar, xp, cp, log, Map.of());
        }

        /** As above, with {@code extra} settings added to (or overriding) {@link #serviceProperties}. */
        static Jar start(Path jar, FakeVendor xp, FakeVendor cp, Path log, Map<String, String> extra)
                throws IOException {
            Map<String, String> properties = serviceProperties(xp, cp);
            properties.putAll(extra);
            return start(jar, List.of("-Xmx256m", imageCollector()), properties, log);
        }

        /**
         * The collector the image runs with, from the {@code Dockerfile}'s {@code ENTRYPOINT} (blank when it names
         * none: the JVM's own choice), so that the jar is measured with the collector that ships.
         */
        static String imageCollector() {
            try {
                return StartupBenchmark.imageCollector(Path.of("Dockerfile"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * The jar at {@code xmx} (e.g. {@code -Xmx512m}) with exactly these settings; {@code -Dbench.jvm-args}
         * (space-separated) adds JVM options for a diagnostic run, e.g. a JFR recording.
         */
        static Jar start(Path jar, String xmx, Map<String, String> properties, Path log) throws IOException {
            return start(jar, List.of(xmx), properties, log);
        }

        /** As above, with these JVM options (the heap's among them); blank ones are left out. */
        static Jar start(Path jar, List<String> jvmOptions, Map<String, String> properties, Path log)
                throws IOException {
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+ExitOnOutOfMemoryError"));
            jvmOptions.stream().filter(o -> !o.isBlank()).forEach(cmd::add);
            for (String option : System.getProperty("bench.jvm-args", "").split(" ")) {
                if (!option.isBlank()) {
                    cmd.add(option);
                }
            }
            cmd.addAll(List.of("-jar", jar.toString(), "--server.port=" + port,
                    "--server.address=127.0.0.1", "--management.endpoints.web.exposure.include=health,prometheus"));
            properties.forEach((k, v) -> cmd.add("--" + k + "=" + v));
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Jar(process, "http://127.0.0.1:" + port, log);
        }

        /** Null while the process lives; otherwise why it ended, from its log. */
        String death() throws IOException {
            if (process.isAlive()) {
                return null;
            }
            boolean oom = Files.readString(log, StandardCharsets.UTF_8).contains("OutOfMemoryError");
            return "process exited " + process.exitValue() + (oom ? ": OutOfMemoryError (Java heap space)" : "")
                    + ", log target/benchmark/" + log.getFileName();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static void waitUntilReady(String base, Process process) throws Exception {
        if (!PackagedJar.awaitReady(process, base, Duration.ofSeconds(120))) {
            throw new IllegalStateException("the packaged service did not become ready");
        }
    }

    /** The jar's heap used and its old generation after the last GC, in MB, from {@code /actuator/prometheus}. */
    static double[] prometheusHeapMb(HttpClient http, String base) {
        try {
            String text = prometheusText(http, base);
            double used = prometheusSum(text, "jvm_memory_used_bytes{", "area=\"heap\"") / 1e6;
            // Micrometer: the old generation's size after the last collection
            double live = prometheusSum(text, "jvm_gc_live_data_size_bytes", "") / 1e6;
            return new double[] {used, live};
        } catch (Exception e) {
            return new double[] {-1, -1};
        }
    }

    /** The jar's {@code /actuator/prometheus}. */
    static String prometheusText(HttpClient http, String base) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of the samples of a Prometheus text whose lines start with {@code prefix} and contain {@code part}. */
    static double prometheusSum(String text, String prefix, String part) {
        return text.lines().filter(l -> l.startsWith(prefix) && l.contains(part))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    // ---- helpers ----

    /** Heap used (garbage included) and heap left after the last collection (the live set, about), in MB. */
    interface HeapProbe {
        double[] usedAndLiveMb();
    }

    private double[] inProcessHeapMb() {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        return new double[] {heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum() / 1e6,
                heap.stream().filter(p -> p.getCollectionUsage() != null)
                        .mapToLong(p -> p.getCollectionUsage().getUsed()).sum() / 1e6};
    }

    private JsonNode postBatch(String base, String destination, byte[] body, int expectSucceeded) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/destinations/"
                        + destination + "/batches")).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode summary = JSON.readTree(response.body()).get("summary");
        if (expectSucceeded >= 0) {
            assertThat(summary.get("succeeded").asInt() + summary.get("accepted").asInt()).isEqualTo(expectSucceeded);
        }
        return summary;
    }

    static byte[] profileBody(int rows, String batchId) {
        return profileBody(rows, batchId, -1);
    }

    /**
     * The profile rows of both benchmarks (this one and {@link BatchThroughputBenchmark}); row {@code badRow} gets
     * user id {@code bad-user-4242}.
     */
    static byte[] profileBody(int rows, String batchId, int badRow) {
        return profileBody(rows, batchId, badRow, "bench-app-token");
    }

    /** As above for another Xtremepush app token (the sandbox's, for {@link BatchThroughputBenchmark}). */
    static byte[] profileBody(int rows, String batchId, int badRow, String appToken) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rows * 220 + 256);
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"syncId\":\"bench\",\"batchId\":\"").append(batchId).append("\",\"objectType\":\"user_profiles\",")
                .append("\"mode\":\"upsert\",\"connection\":{\"region\":\"eu\",\"appToken\":\"").append(appToken)
                .append("\"},")
                .append("\"rows\":[");
        for (int i = 0; i < rows; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":\"row-").append(i).append("\",\"fields\":{\"user_id\":\"")
                    .append(i == badRow ? "bad-user-4242" : " user-" + i + " ")
                    .append("\",\"email\":\"User.").append(i).append("@Example.com\",\"email_subscription\":\"")
                    .append(i % 2 == 0 ? "yes" : "no").append("\",\"mobile_number\":\"+353 85 ")
                    .append(String.format(Locale.ROOT, "%03d %04d", i / 10_000 % 1000, i % 10_000))
                    .append("\",\"sms_subscription\":true,\"first_name\":\"Name ").append(i)
                    .append("\",\"plan\":{\"tier\":\"gold\",\"since\":").append(2020 + i % 5).append("}}}");
            if (sb.length() > 8192) {
                bytes.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
                sb.setLength(0);
            }
        }
        sb.append("]}");
        bytes.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        return bytes.toByteArray();
    }

    private void chart(Path file, List<double[]> inProcess, List<double[]> jar) throws IOException {
        Object jarRows = results.getOrDefault("5_xmx256m_largestJobThatWorked", "none");
        XYChart chart = new XYChartBuilder().width(900).height(500)
                .title("Xtremepush jobs: heap used over time (sampled every second)")
                .xAxisTitle("seconds since submission").yAxisTitle("heap used, MB").build();
        if (!inProcess.isEmpty()) {
            chart.addSeries("in-process (service + client + fake vendor)", inProcess.stream().mapToDouble(p -> p[0])
                    .toArray(), inProcess.stream().mapToDouble(p -> p[1]).toArray());
        }
        List<double[]> jarOk = jar.stream().filter(p -> p[1] >= 0).toList();
        if (!jarOk.isEmpty()) {
            chart.addSeries(String.format(Locale.ROOT, "jar at -Xmx256m, %,d rows (largest that worked)", jarRows), jarOk.stream().mapToDouble(p -> p[0])
                    .toArray(), jarOk.stream().mapToDouble(p -> p[1]).toArray());
        }
        if (!jarOk.isEmpty()) {
            chart.addSeries("jar at -Xmx256m: old generation after the last GC", jarOk.stream()
                    .mapToDouble(p -> p[0]).toArray(), jarOk.stream().mapToDouble(p -> p[3]).toArray());
        }
        if (!inProcess.isEmpty() || !jarOk.isEmpty()) {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** The CPU time of this JVM so far, every thread and the collectors included. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The collectors' accumulated collection time (G1's pauses), in ms. */
    static long gcPauseMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
    }

    static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static double peakHeapMb() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1e6;
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The packaged jar of this build ({@code bench.jar}, set by the {@code benchmark} profile). */
    static Path packagedJar() {
        Path jar = Path.of(System.getProperty("bench.jar", "target/none.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged jar (./mvnw package)").isRegularFile();
        return jar;
    }

    /** {@code target/benchmark} ({@code bench.out}). */
    static Path outputDirectory() {
        return Path.of(System.getProperty("bench.out", "target/benchmark")).toAbsolutePath();
    }

    /** An empty directory {@code name} below {@link #outputDirectory}, emptied when it was there. */
    static Path freshDirectory(String name) throws IOException {
        Path dir = outputDirectory().resolve(name);
        FileSystemUtils.deleteRecursively(dir);
        Files.createDirectories(dir);
        return dir;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    record Answer(int status, String body) {
    }

    /** A vendor on 127.0.0.1 that answers every POST at once (or as {@link #handler} says). */
    static final class FakeVendor implements AutoCloseable {
        private final HttpServer server;
        volatile Function<byte[], Answer> handler = body -> ok();
        /** Answers GET requests by their path and query when set (else {@link #handler} does). */
        volatile Function<String, Answer> getHandler;
        volatile int latencyMs;
        volatile boolean capture;
        final List<byte[]> captured = new CopyOnWriteArrayList<>();
        final AtomicInteger requests = new AtomicInteger();
        /** Requests being answered now, and the most at once since the start. */
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        private FakeVendor(HttpServer server) {
            this.server = server;
        }

        static Answer ok() {
            return new Answer(200, "{\"code\":200,\"success\":true,\"message\":\"ok\"}");
        }

        static FakeVendor start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            FakeVendor vendor = new FakeVendor(server);
            server.createContext("/", exchange -> {
                vendor.maxInFlight.accumulateAndGet(vendor.inFlight.incrementAndGet(), Math::max);
                try {
                    vendor.answer(exchange);
                } finally {
                    vendor.inFlight.decrementAndGet();
                }
            });
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            return vendor;
        }

        private void answer(HttpExchange exchange) throws IOException {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            if (capture) {
                captured.add(body);
            }
            Function<String, Answer> get = getHandler;
            Answer answer = get != null && "GET".equals(exchange.getRequestMethod())
                    ? get.apply(exchange.getRequestURI().toString()) : handler.apply(body);
            if (latencyMs > 0) {
                try {
                    Thread.sleep(latencyMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
