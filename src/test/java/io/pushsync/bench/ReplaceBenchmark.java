package io.pushsync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.pushsync.bench.ServiceBenchmark.FakeVendor;
import io.pushsync.bench.ServiceBenchmark.Jar;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mode: "replace"} at a million members: the packaged jar in its own JVM at {@code -Xmx256m}
 * ({@link ServiceBenchmark.Jar}) with a fresh snapshot directory, a fake Xtremepush that answers every list import
 * at once and counts its requests, items by {@code mode} ({@code create} adds, {@code delete} removes) and bytes.
 * Three Xtremepush {@code list_members} replace jobs of {@code bench.replace-members} rows (default 1,000,000;
 * 100,000 with {@code -Dbench.quick=true}) to one list:
 * <ol>
 * <li>A: members 0..N-1: the snapshot is created and every member added (the setup);</li>
 * <li>B: the same audience with 1 % changed: every hundredth row names a new member instead, so N/100 members
 * leave and N/100 join; the figure: exactly those changes are sent, the rest skipped {@code unchanged};</li>
 * <li>C: B's audience again: nothing is sent.</li>
 * </ol>
 * Each job body (about 65 bytes a row) is generated as it is sent, never held whole. Each job is polled every
 * 500 ms and the jar's heap read from {@code /actuator/prometheus} at each poll (heap used, garbage included, and
 * the old generation after the last GC), as {@link ServiceBenchmark} does for its jobs. Prints the figures and writes
 * {@code replace.md} / {@code replace.json} to {@code target/benchmark/}. Asserts correctness (vendor items, job
 * summary, the process alive), no figure.
 * <p>
 * Part of {@code ./mvnw -B -Pbenchmark verify}; alone: {@code -Dit.test=ReplaceBenchmark}. Skipped in the CleverPush-only
 * run.
 */
class ReplaceBenchmark {

    private static final boolean QUICK = Boolean.getBoolean("bench.quick");
    private static final int MEMBERS = Integer.getInteger("bench.replace-members", QUICK ? 100_000 : 1_000_000);
    private static final long LIST_ID = 4242;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** What the fake vendor was sent since the last {@link #reset}. */
    static final class ListImports {
        final AtomicLong createRequests = new AtomicLong();
        final AtomicLong deleteRequests = new AtomicLong();
        final AtomicLong createItems = new AtomicLong();
        final AtomicLong deleteItems = new AtomicLong();
        final AtomicLong otherRequests = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        void count(byte[] body) {
            bytes.addAndGet(body.length);
            JsonNode json = JSON.readTree(body);
            JsonNode items = json.get("items");
            String mode = json.path("mode").asString("");
            if (items == null || !items.isArray()) {
                otherRequests.incrementAndGet();
            } else if (mode.equals("create")) {
                createRequests.incrementAndGet();
                createItems.addAndGet(items.size());
            } else if (mode.equals("delete")) {
                deleteRequests.incrementAndGet();
                deleteItems.addAndGet(items.size());
            } else {
                otherRequests.incrementAndGet();
            }
        }

        long requests() {
            return createRequests.get() + deleteRequests.get() + otherRequests.get();
        }

        void reset() {
            List.of(createRequests, deleteRequests, createItems, deleteItems, otherRequests, bytes)
                    .forEach(c -> c.set(0));
        }
    }

    /** One job's figures. */
    record Run(String name, int rows, long bodyBytes, double acceptedSeconds, double seconds, JsonNode status,
            long createRequests, long createItems, long deleteRequests, long deleteItems, long otherRequests,
            long vendorBytes, double heapUsedMaxMb, double heapAfterGcMaxMb, double heapAfterGcLastMb,
            long snapshotBytes, List<double[]> heap) {

        double rowsPerSecond() {
            return rows / seconds;
        }

        String state() {
            return status == null ? "did not finish" : status.get("state").asString();
        }

        int summary(String field) {
            return status == null ? -1 : status.path("summary").path(field).asInt(-1);
        }
    }

    @Test
    void measure() throws Exception {
        assumeFalse(Boolean.getBoolean("bench.cleverpush-only"), "bench.cleverpush-only=true measures figure 3 only");
        Path jar = ServiceBenchmark.packagedJar();
        Path out = ServiceBenchmark.outputDirectory();
        Path dir = ServiceBenchmark.freshDirectory("replace");
        Path snapshots = dir.resolve("snapshots");
        Path snapshotFile = snapshots.resolve("snapshots.mv");

        int changed = MEMBERS / 100;
        // A: members 0..N-1; B and C: every hundredth row (i % 100 == 7) names a new member N + i / 100 instead
        IntFunction<String> first = i -> "user-" + i + "@example.org";
        IntFunction<String> changedAudience = i -> i % 100 == 7 ? "user-" + (MEMBERS + i / 100) + "@example.org"
                : "user-" + i + "@example.org";

        ListImports sent = new ListImports();
        List<Run> runs = new ArrayList<>();
        String death;
        JsonNode removedPage;
        try (FakeVendor xp = FakeVendor.start()) {
            xp.handler = body -> {
                sent.count(body);
                return FakeVendor.ok();
            };
            Jar service = Jar.start(jar, xp, null, dir.resolve("service.log"), Map.of(
                    "pushsync.snapshots.directory", snapshots.toString(),
                    "pushsync.jobs.spool-dir", dir.resolve("spool").toString()));
            try {
                ServiceBenchmark.waitUntilReady(service.base(), service.process());
                runs.add(job(service, "A", first, sent, snapshotFile));
                runs.add(job(service, "B", changedAudience, sent, snapshotFile));
                removedPage = removedPage(service, runs.get(1));
                runs.add(job(service, "C", changedAudience, sent, snapshotFile));
                service.process().waitFor(2, TimeUnit.SECONDS);
                death = service.death();
            } finally {
                service.stop();
            }
        }
        Run a = runs.get(0);
        Run b = runs.get(1);
        Run c = runs.get(2);

        List<String> md = new ArrayList<>();
        md.add(String.format(Locale.ROOT, "Replace: %,d-member Xtremepush list audience%s, packaged jar at -Xmx256m "
                + "(%s), fake vendor answering at once, %s, %d cores, Java %s", MEMBERS,
                MEMBERS < 1_000_000 ? " (smaller than the full run's 1,000,000" + (QUICK ? ": quick run)" : ")")
                        : "", Jar.imageCollector(), LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        md.add("");
        md.add("| job | outcome | time (202 after) | rows/s | vendor requests: create / delete (items) | heap used, "
                + "max sampled | heap after GC, max (last) | snapshot file |");
        md.add("|---|---|---|---|---|---|---|---|");
        for (Run r : runs) {
            md.add(String.format(Locale.ROOT, "| %s | %s, snapshot %s; %,d succeeded, %,d skipped, %,d removed "
                            + "| %.1f s (%.1f s) | %,.0f | %,d / %,d (%,d / %,d items, %,.1f MB) | %,.0f MB "
                            + "| %,.0f MB (%,.0f MB) | %,.1f MB |", label(r.name()), r.state(),
                    r.status() == null ? "-" : r.status().path("snapshot").asString("-"), r.summary("succeeded"),
                    r.summary("skipped"), r.summary("removed"), r.seconds(), r.acceptedSeconds(), r.rowsPerSecond(),
                    r.createRequests(), r.deleteRequests(), r.createItems(), r.deleteItems(), r.vendorBytes() / 1e6,
                    r.heapUsedMaxMb(), r.heapAfterGcMaxMb(), r.heapAfterGcLastMb(), r.snapshotBytes() / 1e6));
        }
        md.add("");
        md.add(String.format(Locale.ROOT, "Job bodies %,.1f MB (%,d rows each, streamed to the service). The service "
                + "process: %s. Heap from /actuator/prometheus every 500 ms (jvm_memory_used_bytes area=heap; "
                + "jvm_gc_live_data_size_bytes). Removals listed at /v1/jobs/{id}/removed for job B: %s.",
                b.bodyBytes() / 1e6, MEMBERS, death == null ? "alive to the end" : death,
                removedPage == null ? "-" : removedPage.path("total").asInt() + " in total"));

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", LocalDate.now().toString());
        json.put("members", MEMBERS);
        json.put("changed", changed);
        json.put("processDied", String.valueOf(death));
        for (Run r : runs) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("state", r.state());
            f.put("status", r.status());
            f.put("bodyBytes", r.bodyBytes());
            f.put("acceptedAfterSeconds", r.acceptedSeconds());
            f.put("seconds", r.seconds());
            f.put("rowsPerSecond", Math.round(r.rowsPerSecond()));
            f.put("vendor", Map.of("createRequests", r.createRequests(), "createItems", r.createItems(),
                    "deleteRequests", r.deleteRequests(), "deleteItems", r.deleteItems(),
                    "otherRequests", r.otherRequests(), "bytes", r.vendorBytes()));
            f.put("heapUsedMaxSampledMb", Math.round(r.heapUsedMaxMb()));
            f.put("heapAfterGcMaxMb", Math.round(r.heapAfterGcMaxMb()));
            f.put("snapshotFileBytes", r.snapshotBytes());
            f.put("heapSamples(t s, used MB, rows done, after-GC MB)", r.heap());
            json.put("job" + r.name(), f);
        }
        Files.writeString(out.resolve("replace.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        Files.writeString(out.resolve("replace.md"), String.join("\n", md) + "\n");
        System.out.println("\n==== replace (" + out.resolve("replace.md") + ") ====");
        md.forEach(System.out::println);

        assertThat(death).as("the service process at -Xmx256m").isNull();
        assertThat(a.state()).isEqualTo("completed");
        assertThat(a.status().get("snapshot").asString()).isEqualTo("created");
        assertThat(a.createItems()).isEqualTo(MEMBERS);
        assertThat(b.state()).isEqualTo("completed");
        assertThat(b.status().get("snapshot").asString()).isEqualTo("updated");
        assertThat(b.createItems()).as("additions sent").isEqualTo(changed);
        assertThat(b.deleteItems()).as("removals sent").isEqualTo(changed);
        assertThat(b.otherRequests()).isZero();
        assertThat(b.summary("succeeded")).isEqualTo(changed);
        assertThat(b.summary("skipped")).isEqualTo(MEMBERS - changed);
        assertThat(b.summary("removed")).isEqualTo(changed);
        assertThat(removedPage.get("total").asInt()).isEqualTo(changed);
        assertThat(removedPage.at("/removed/0/status").asString()).isEqualTo("succeeded");
        assertThat(c.state()).isEqualTo("completed");
        assertThat(c.summary("skipped")).isEqualTo(MEMBERS);
        assertThat(c.summary("removed")).isZero();
        assertThat(c.createRequests() + c.deleteRequests() + c.otherRequests()).as("vendor requests of C").isZero();
    }

    private static String label(String name) {
        return switch (name) {
            case "A" -> "A: every member new (snapshot created: the setup)";
            case "B" -> "B: 1 % changed (N/100 leave, N/100 join)";
            default -> "C: the same audience again";
        };
    }

    /** Submits one replace job, streaming its body, and polls it to its end. */
    private Run job(Jar service, String name, IntFunction<String> member, ListImports sent, Path snapshotFile)
            throws Exception {
        String batchId = "replace-" + name;
        long length = AudienceBody.length(batchId, MEMBERS, member);
        sent.reset();
        List<double[]> series = new ArrayList<>();
        long start = System.nanoTime();
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(service.base()
                        + "/v1/destinations/xtremepush/jobs")).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + ServiceBenchmark.TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new AudienceBody(batchId, MEMBERS, member)), length)).build(),
                HttpResponse.BodyHandlers.ofString());
        double accepted = (System.nanoTime() - start) / 1e9;
        assertThat(submitted.statusCode()).as("job %s: %s", name, submitted.body()).isEqualTo(202);
        String jobId = JSON.readTree(submitted.body()).get("jobId").asString();
        JsonNode status = ServiceBenchmark.awaitJob(http, service.base(), jobId, start, Duration.ofMinutes(10),
                Duration.ofMillis(500), () -> ServiceBenchmark.prometheusHeapMb(http, service.base()), series);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<double[]> ok = series.stream().filter(p -> p[1] >= 0).toList();
        Run run = new Run(name, MEMBERS, length, accepted, seconds, status, sent.createRequests.get(),
                sent.createItems.get(), sent.deleteRequests.get(), sent.deleteItems.get(), sent.otherRequests.get(),
                sent.bytes.get(), ok.stream().mapToDouble(p -> p[1]).max().orElse(-1),
                ok.stream().mapToDouble(p -> p[3]).max().orElse(-1), ok.isEmpty() ? -1 : ok.get(ok.size() - 1)[3],
                Files.isRegularFile(snapshotFile) ? Files.size(snapshotFile) : -1, series);
        System.out.printf(Locale.ROOT, "replace job %s (%,d members): %s in %.1f s (202 after %.1f s), vendor "
                        + "create %,d items / delete %,d items in %,d requests, heap used max %.0f MB, after GC max "
                        + "%.0f MB, snapshot file %.1f MB%n", name, MEMBERS, run.state(), seconds, accepted,
                run.createItems(), run.deleteItems(), sent.requests(), run.heapUsedMaxMb(), run.heapAfterGcMaxMb(),
                run.snapshotBytes() / 1e6);
        return run;
    }

    /** The first page (one member) of the job's removals, or null when it did not end. */
    private JsonNode removedPage(Jar service, Run run) throws Exception {
        if (run.status() == null) {
            return null;
        }
        String jobId = run.status().get("jobId").asString();
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(service.base() + "/v1/jobs/" + jobId
                        + "/removed?limit=1")).header("Authorization", "Bearer " + ServiceBenchmark.TOKEN)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /**
     * The body of a {@code list_members} replace job of {@code rows} rows, row {@code i} naming {@code member(i)},
     * generated a few kB at a time as it is read.
     */
    static final class AudienceBody extends InputStream {
        private final int rows;
        private final IntFunction<String> member;
        private final StringBuilder text = new StringBuilder(16_384);
        private byte[] block;
        private int at;
        private int next;
        private boolean ended;

        AudienceBody(String batchId, int rows, IntFunction<String> member) {
            this.rows = rows;
            this.member = member;
            text.append("{\"syncId\":\"bench-replace\",\"batchId\":\"").append(batchId)
                    .append("\",\"objectType\":\"list_members\",\"mode\":\"replace\",\"connection\":{\"region\":"
                            + "\"eu\",\"appToken\":\"bench-app-token\"},\"options\":{\"listId\":")
                    .append(LIST_ID).append("},\"rows\":[");
            block = new byte[0];
        }

        /** The body's length in bytes (generated once and counted). */
        static long length(String batchId, int rows, IntFunction<String> member) throws IOException {
            long n = 0;
            try (AudienceBody body = new AudienceBody(batchId, rows, member)) {
                byte[] buffer = new byte[65_536];
                for (int r; (r = body.read(buffer, 0, buffer.length)) >= 0; ) {
                    n += r;
                }
            }
            return n;
        }

        private boolean fill() {
            while (at == block.length) {
                if (ended) {
                    return false;
                }
                while (text.length() < 8_192 && next < rows) {
                    text.append(next == 0 ? "" : ",").append("{\"id\":\"r-").append(next)
                            .append("\",\"fields\":{\"identifier\":\"").append(member.apply(next)).append("\"}}");
                    next++;
                }
                if (next == rows) {
                    text.append("]}");
                    ended = true;
                }
                block = text.toString().getBytes(StandardCharsets.UTF_8);
                text.setLength(0);
                at = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? block[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, block.length - at);
            System.arraycopy(block, at, b, off, n);
            at += n;
            return n;
        }
    }
}
