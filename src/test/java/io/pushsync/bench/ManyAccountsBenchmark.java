package io.pushsync.bench;

import static io.pushsync.bench.ServiceBenchmark.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.pushsync.bench.ServiceBenchmark.FakeVendor;
import io.pushsync.bench.ServiceBenchmark.Jar;
import io.pushsync.destination.cleverpush.CleverPushProperties;
import io.pushsync.destination.xtremepush.XtremepushProperties;
import io.pushsync.sync.jobs.JobProperties;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Figure 7, many accounts at once: the packaged jar in its own JVM at {@code -Xmx512m} ({@link ServiceBenchmark.Jar})
 * with the default rate limits, chunking and job slots, a fake Xtremepush and a fake CleverPush on 127.0.0.1 that
 * answer every request after 100 ms (each on a thread of its own: {@link FakeVendor}'s cached pool; the most
 * requests in flight at once are recorded). Submitted together: 20 Xtremepush app tokens x 20,000 profile rows and
 * 20 CleverPush channels x 500 subscription rows, half of each vendor's accounts as {@code /batches} (each in a client
 * thread of its own) and half as {@code /jobs} (submitted, then polled every 250 ms; a 429 {@code job-queue-full} is
 * followed after its Retry-After and counted). Meanwhile a 10-row Xtremepush batch every 250 ms, in turn on 4 app
 * tokens of their own ({@link #PROBE_TOKENS}), its latency recorded. The jar's heap is read from
 * {@code /actuator/prometheus} every 500 ms. The measured round follows one round of the same load on accounts of
 * its own ({@link #WARM_ROUND}), whose total is printed as the figure of a replica started into the load.
 * <p>
 * An account's own minimum: ceil(requests it needs / limit-for-period) x limit-refresh-period, from the defaults
 * (application.yml, {@code XtremepushProperties}); the vendor-bound minimum of the run is the largest of them (the
 * accounts' limiters are independent). Prints the figures and writes {@code many-accounts.md} /
 * {@code many-accounts.json} to {@code target/benchmark/}. Asserts correctness only (every row succeeded or accepted,
 * the process alive), no figure.
 * <p>
 * {@code ./mvnw -B -Pbenchmark verify -Dit.test=ManyAccountsBenchmark}; {@code -Dbench.quick=true}: 5,000 and 100
 * rows an account. Skipped in the CleverPush-only run.
 */
class ManyAccountsBenchmark {

    private static final boolean QUICK = Boolean.getBoolean("bench.quick");
    private static final int XP_ACCOUNTS = 20;
    /**
     * {@code -Dbench.many.cleverpush-channels=N} (20): fewer CleverPush channels for a diagnostic run (0: the Xtremepush
     * accounts alone, to see what their rows cost the jar); printed as such: not figure 7.
     */
    private static final int FIGURE_CP_ACCOUNTS = 20;
    private static final int CP_ACCOUNTS = Integer.getInteger("bench.many.cleverpush-channels", FIGURE_CP_ACCOUNTS);
    private static final int XP_ROWS = QUICK ? 5_000 : 20_000;
    private static final int CP_ROWS = QUICK ? 100 : 500;
    private static final int VENDOR_MS = 100;
    private static final int PROBE_ROWS = 10;
    private static final long PROBE_EVERY_MS = 250;
    /**
     * The probes take turns over this many app tokens of their own ({@code -Dbench.many.probe-tokens}, 4): each
     * token then gets a probe a second, a fifth of its rate. On one token, 4 probes a second are 80 % of its 5
     * requests a second, and any stall of the service leaves a backlog that drains at one probe a second: the
     * figure would then be that one account's own queue, not how fast the service answers a small batch.
     */
    private static final int PROBE_TOKENS = Integer.getInteger("bench.many.probe-tokens", 4);
    private static final long POLL_MS = 250;
    private static final String XMX = "-Xmx512m";
    /**
     * The collector the image runs with, read from the {@code Dockerfile}'s {@code ENTRYPOINT} (none there: the JVM's
     * own choice); {@code -Dbench.many.gc=-XX:+UseG1GC} another, for a diagnostic run.
     */
    private static final String GC = System.getProperty("bench.many.gc", Jar.imageCollector());
    /** The jar's JVM options as launched and printed: the heap and the collector. */
    private static final List<String> JVM_OPTIONS = java.util.stream.Stream.of(XMX, GC).filter(o -> !o.isBlank())
            .toList();
    /**
     * {@code -Dbench.many.set=key=value,key=value}: settings changed for a diagnostic run (e.g.
     * {@code pushsync.jobs.max-running=10}); printed with the figures, which are then not figure 7's.
     */
    private static final String SET = System.getProperty("bench.many.set", "");

    /**
     * The whole load runs once first, on accounts of its own, timed but without probes, so that the measured round
     * meets a replica whose JIT has compiled what the load runs (a replica that has been serving for a while), not
     * one started into it: the first round's total is printed as the cold replica's figure.
     * {@code -Dbench.many.warm-round=false} measures the first round itself.
     */
    private static final boolean WARM_ROUND = !"false".equals(System.getProperty("bench.many.warm-round"));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** One vendor account's work and, once done, what it took. */
    static final class Account {
        final String vendor;
        final String name;
        final boolean job;
        final int rows;
        final int requests;
        final double minimumSeconds;
        volatile double seconds = -1;
        volatile int ok = -1;
        volatile String outcome = "not run";
        volatile int queueFull;
        volatile double queuedSeconds = -1;
        volatile double runningSeconds = -1;

        Account(String vendor, String name, boolean job, int rows, int requests, double minimumSeconds) {
            this.vendor = vendor;
            this.name = name;
            this.job = job;
            this.rows = rows;
            this.requests = requests;
            this.minimumSeconds = minimumSeconds;
        }

        double ratio() {
            return seconds / minimumSeconds;
        }

        String kind() {
            return vendor + (job ? " job" : " batch");
        }
    }

    @Test
    void measure() throws Exception {
        assumeFalse(Boolean.getBoolean("bench.cleverpush-only"), "bench.cleverpush-only=true measures figure 3 only");
        Path jar = ServiceBenchmark.packagedJar();
        Path out = ServiceBenchmark.outputDirectory();
        Path dir = ServiceBenchmark.freshDirectory("many-accounts");

        // the defaults the minimums follow from
        Properties yml = applicationYml();
        int xpLimit = Integer.parseInt(yml.getProperty("resilience4j.ratelimiter.configs.xtremepush.limit-for-period"));
        Duration xpPeriod = DurationStyle.detectAndParse(
                yml.getProperty("resilience4j.ratelimiter.configs.xtremepush.limit-refresh-period"));
        int cpLimit = Integer.parseInt(yml.getProperty("resilience4j.ratelimiter.configs.cleverpush.limit-for-period"));
        Duration cpPeriod = DurationStyle.detectAndParse(
                yml.getProperty("resilience4j.ratelimiter.configs.cleverpush.limit-refresh-period"));
        int chunkSize = Integer.parseInt(defaultOf(XtremepushProperties.class, "chunkSize"));
        int chunksInFlight = Integer.parseInt(defaultOf(XtremepushProperties.class, "chunksInFlight"));
        int cpConcurrency = Integer.parseInt(defaultOf(
                CleverPushProperties.class, "concurrency"));
        int maxRunning = Integer.parseInt(defaultOf(JobProperties.class, "maxRunning"));
        int rowsInMemory = Integer.parseInt(defaultOf(JobProperties.class, "maxRowsInMemory"));
        int queueCapacity = Integer.parseInt(defaultOf(JobProperties.class, "queueCapacity"));

        List<Account> accounts = new ArrayList<>();
        int xpRequests = (XP_ROWS + chunkSize - 1) / chunkSize;
        int cpRequests = CP_ROWS + 1; // one call per row, and the channel check
        for (int i = 0; i < XP_ACCOUNTS; i++) {
            accounts.add(new Account("xtremepush", "xp-app-" + i, i % 2 == 1, XP_ROWS, xpRequests,
                    minimumSeconds(xpRequests, xpLimit, xpPeriod)));
        }
        for (int i = 0; i < CP_ACCOUNTS; i++) {
            accounts.add(new Account("cleverpush", "cp-channel-" + i, i % 2 == 1, CP_ROWS, cpRequests,
                    minimumSeconds(cpRequests, cpLimit, cpPeriod)));
        }
        double vendorBound = accounts.stream().mapToDouble(a -> a.minimumSeconds).max().orElseThrow();

        List<Long> probeMs = new CopyOnWriteArrayList<>();
        List<double[]> probeSeries = new CopyOnWriteArrayList<>();
        AtomicInteger probeFailures = new AtomicInteger();
        Map<String, Integer> probeFailureReasons = new ConcurrentHashMap<>();
        List<double[]> heap = new CopyOnWriteArrayList<>();
        double totalSeconds;
        String death;
        int xpMaxInFlight;
        int cpMaxInFlight;
        int xpVendorRequests;
        int probesSent;
        double[] jvmBefore;
        double[] jvmAfter;
        long benchCpuBefore;
        double benchCpu;
        int cpVendorRequests;
        double warmRoundSeconds = -1;
        try (FakeVendor xp = FakeVendor.start(); FakeVendor cp = FakeVendor.start()) {
            xp.latencyMs = VENDOR_MS;
            cp.latencyMs = VENDOR_MS;
            Map<String, String> props = ServiceBenchmark.vendorProperties(xp, cp);
            props.put("pushsync.jobs.spool-dir", dir.resolve("spool").toString());
            for (String kv : SET.split(",")) {
                if (!kv.isBlank()) {
                    props.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
                }
            }
            Jar service = Jar.start(jar, JVM_OPTIONS, props, dir.resolve("service.log"));
            ExecutorService clients = Executors.newCachedThreadPool();
            ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
            try {
                ServiceBenchmark.waitUntilReady(service.base(), service.process());
                // warm-up (not measured): the first batches of a fresh JVM are slow (JIT, connection set-up)
                post(service.base(), "xtremepush", "batches",
                        ServiceBenchmark.profileBody(chunkSize, "warm-up-xp", -1, "warm-up-token"));
                post(service.base(), "cleverpush", "batches",
                        ServiceBenchmark.subscriptionBody("warm-up-cp", "warm-up-channel", "warm-", null, 50));
                for (int i = 0; i < Math.max(4, PROBE_TOKENS); i++) {
                    probe(service.base(), "warm-up-probe-" + i, i);
                }
                if (WARM_ROUND) {
                    long warmStart = System.nanoTime();
                    List<Future<?>> warm = new ArrayList<>();
                    for (Account a : accounts) {
                        Account w = new Account(a.vendor, "warm-" + a.name, a.job, a.rows, a.requests,
                                a.minimumSeconds);
                        byte[] body = w.vendor.equals("xtremepush")
                                ? ServiceBenchmark.profileBody(w.rows, w.name, -1, w.name)
                                : ServiceBenchmark.subscriptionBody(w.name, w.name, "user-", null, w.rows);
                        warm.add(clients.submit(() -> {
                            run(service.base(), w, body, System.nanoTime());
                            assertThat(w.ok).as("%s: %s", w.name, w.outcome).isEqualTo(w.rows);
                            return null;
                        }));
                    }
                    for (Future<?> w : warm) {
                        w.get(30, TimeUnit.MINUTES);
                    }
                    warmRoundSeconds = (System.nanoTime() - warmStart) / 1e9;
                }
                Map<Account, byte[]> bodies = new LinkedHashMap<>();
                for (Account a : accounts) {
                    bodies.put(a, a.vendor.equals("xtremepush")
                            ? ServiceBenchmark.profileBody(a.rows, a.name, -1, a.name)
                            : ServiceBenchmark.subscriptionBody(a.name, a.name, "user-", null, a.rows));
                }
                int xpBefore = xp.requests.get();
                int cpBefore = cp.requests.get();
                xp.maxInFlight.set(0);
                cp.maxInFlight.set(0);

                jvmBefore = gcAndCpu(service.base());
                benchCpuBefore = ServiceBenchmark.processCpuNanos();
                long start = System.nanoTime();
                ticks.scheduleAtFixedRate(() -> heap.add(prepend((System.nanoTime() - start) / 1e9,
                        ServiceBenchmark.prometheusHeapMb(http, service.base()))), 0, 500, TimeUnit.MILLISECONDS);
                AtomicInteger probes = new AtomicInteger();
                ticks.scheduleAtFixedRate(() -> clients.execute(() -> {
                    try {
                        double t = (System.nanoTime() - start) / 1e9;
                        int n = probes.incrementAndGet();
                        long ms = probe(service.base(), "probe-" + n, n);
                        probeMs.add(ms);
                        probeSeries.add(new double[] {round(t), ms});
                    } catch (Exception | AssertionError e) {
                        probeFailures.incrementAndGet();
                        String reason = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
                        probeFailureReasons.merge(reason.length() > 200 ? reason.substring(0, 200) : reason, 1,
                                Integer::sum);
                    }
                }), 0, PROBE_EVERY_MS, TimeUnit.MILLISECONDS);
                List<Future<?>> runs = new ArrayList<>();
                for (Account a : accounts) {
                    byte[] body = bodies.get(a);
                    runs.add(clients.submit(() -> {
                        run(service.base(), a, body, start);
                        return null;
                    }));
                }
                bodies.clear();
                for (Future<?> r : runs) {
                    r.get(30, TimeUnit.MINUTES);
                }
                totalSeconds = (System.nanoTime() - start) / 1e9;
                jvmAfter = gcAndCpu(service.base());
                benchCpu = (ServiceBenchmark.processCpuNanos() - benchCpuBefore) / 1e9;
                ticks.shutdownNow();
                xpMaxInFlight = xp.maxInFlight.get();
                cpMaxInFlight = cp.maxInFlight.get();
                xpVendorRequests = xp.requests.get() - xpBefore;
                cpVendorRequests = cp.requests.get() - cpBefore;
                probesSent = probes.get();
                clients.shutdown();
                clients.awaitTermination(30, TimeUnit.SECONDS);
                service.process().waitFor(2, TimeUnit.SECONDS);
                death = service.death();
            } finally {
                ticks.shutdownNow();
                clients.shutdownNow();
                service.stop();
            }
        }

        Account slowest = accounts.stream().max((a, b) -> Double.compare(a.ratio(), b.ratio())).orElseThrow();
        List<Long> probesSorted = new ArrayList<>(probeMs);
        Collections.sort(probesSorted);
        long p50 = percentile(probesSorted, 0.50);
        long p99 = percentile(probesSorted, 0.99);
        double heapUsedMax = heap.stream().filter(h -> h[1] >= 0).mapToDouble(h -> h[1]).max().orElse(-1);
        double heapLiveMax = heap.stream().filter(h -> h[2] >= 0).mapToDouble(h -> h[2]).max().orElse(-1);
        int queueFull = accounts.stream().mapToInt(a -> a.queueFull).sum();
        int xpProbeRequests = probesSent; // one vendor request a probe (some may still have been under way)
        double totalRatio = totalSeconds / vendorBound;
        double xpRequestMs = meanMs(jvmBefore, jvmAfter, 3);
        double cpRequestMs = meanMs(jvmBefore, jvmAfter, 5);
        long probeTarget = 1000 + VENDOR_MS;

        List<String> md = new ArrayList<>();
        md.add(String.format(Locale.ROOT, "Many accounts at once: %d Xtremepush app tokens x %,d profile rows, %d "
                        + "CleverPush channels x %,d subscription rows%s; packaged jar at %s, default limits "
                        + "(Xtremepush %d requests / %s per app token, chunks of %,d, %d in flight; CleverPush %d / %s "
                        + "per channel, concurrency %d; jobs: %d running, %d queued per replica, %,d rows in "
                        + "memory); fake vendors answer after %d ms; %s, %d cores, Java %s", XP_ACCOUNTS, XP_ROWS,
                CP_ACCOUNTS, CP_ROWS, QUICK ? " (quick run: smaller than the full run's 20,000 and 500)" : "",
                String.join(" ", JVM_OPTIONS), xpLimit, xpPeriod, chunkSize, chunksInFlight, cpLimit, cpPeriod,
                cpConcurrency, maxRunning,
                queueCapacity, rowsInMemory, VENDOR_MS, LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        md.add("");
        md.add("| figure | measured | target | met |");
        md.add("|---|---|---|---|");
        md.add(String.format(Locale.ROOT, "| total time vs the vendor-bound minimum (the largest account minimum) "
                        + "| %.1f s vs %.1f s: **%.2f** | <= 1.2 | %s |", totalSeconds, vendorBound, totalRatio,
                totalRatio <= 1.2 ? "yes" : "no"));
        if (WARM_ROUND) {
            md.add(String.format(Locale.ROOT, "| the same, the first round, on the replica just started (no probes) "
                            + "| %.1f s vs %.1f s: **%.2f** | - | - |", warmRoundSeconds, vendorBound,
                    warmRoundSeconds / vendorBound));
        }
        md.add(String.format(Locale.ROOT, "| slowest account vs its own minimum | %s (%s): %.1f s vs %.1f s: "
                        + "**%.2f** | <= 1.5 | %s |", slowest.name, slowest.kind(), slowest.seconds,
                slowest.minimumSeconds, slowest.ratio(), slowest.ratio() <= 1.5 ? "yes" : "no"));
        md.add(String.format(Locale.ROOT, "| %d-row Xtremepush batch every %d ms meanwhile, in turn on %d app "
                        + "tokens (%d sent, %d failed) | p50 %,d ms, **p99 %,d ms** | p99 < %,d ms (1 s + one vendor "
                        + "round trip) | %s |", PROBE_ROWS, PROBE_EVERY_MS, PROBE_TOKENS, probeMs.size() + probeFailures.get(), probeFailures.get(), p50, p99,
                probeTarget, p99 < probeTarget && probeFailures.get() == 0 ? "yes" : "no"));
        md.add(String.format(Locale.ROOT, "| heap of the jar (every 500 ms from /actuator/prometheus) | used at most "
                        + "%,.0f MB; old generation after GC at most %,.0f MB; process %s | fits %s | %s |",
                heapUsedMax, heapLiveMax, death == null ? "alive to the end" : death, XMX,
                death == null ? "yes" : "no"));
        md.add("");
        md.add("| account | kind | rows | vendor requests needed | own minimum | time | ratio | job: queued / "
                + "running | 429 queue full | outcome |");
        md.add("|---|---|---|---|---|---|---|---|---|---|");
        for (Account a : accounts) {
            md.add(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %.1f s | %.1f s | %.2f | %s | %d | %s |",
                    a.name, a.kind(), a.rows, a.requests, a.minimumSeconds, a.seconds, a.ratio(),
                    a.job ? String.format(Locale.ROOT, "%.1f s / %.1f s", a.queuedSeconds, a.runningSeconds) : "-",
                    a.queueFull, a.outcome));
        }
        md.add("");
        for (String kind : List.of("xtremepush batch", "xtremepush job", "cleverpush batch", "cleverpush job")) {
            List<Account> of = accounts.stream().filter(a -> a.kind().equals(kind)).toList();
            md.add(String.format(Locale.ROOT, "- %s (%d): time %.1f-%.1f s, ratio %.2f-%.2f", kind, of.size(),
                    of.stream().mapToDouble(a -> a.seconds).min().orElse(-1),
                    of.stream().mapToDouble(a -> a.seconds).max().orElse(-1),
                    of.stream().mapToDouble(Account::ratio).min().orElse(-1),
                    of.stream().mapToDouble(Account::ratio).max().orElse(-1)));
        }
        md.add(String.format(Locale.ROOT, "- job submissions refused 429 job-queue-full (then resent after "
                + "Retry-After): %d", queueFull));
        md.add(String.format(Locale.ROOT, "- fake vendors: most requests in flight at once: Xtremepush %d, "
                        + "CleverPush %d (each answered on a thread of its own); requests during the run: Xtremepush "
                        + "%,d (%,d for the accounts + %,d probes expected), CleverPush %,d (%,d expected)",
                xpMaxInFlight, cpMaxInFlight, xpVendorRequests, XP_ACCOUNTS * xpRequests, xpProbeRequests,
                cpVendorRequests, CP_ACCOUNTS * cpRequests));
        md.add(String.format(Locale.ROOT, "- the jar during the run: GC pauses %,d, %.1f s in all; CPU time %.1f s "
                        + "(%.0f %% of %d cores over %.1f s)", Math.round(jvmAfter[1] - jvmBefore[1]),
                jvmAfter[0] - jvmBefore[0], (jvmAfter[2] - jvmBefore[2]) / 1e9,
                (jvmAfter[2] - jvmBefore[2]) / 1e9 / totalSeconds / Runtime.getRuntime().availableProcessors() * 100,
                Runtime.getRuntime().availableProcessors(), totalSeconds));
        md.add(String.format(Locale.ROOT, "- this benchmark's own JVM (the fake vendors, the clients building and "
                        + "sending the bodies and polls) on the same cores: CPU time %.1f s (%.0f %% of %d cores)",
                benchCpu, benchCpu / totalSeconds / Runtime.getRuntime().availableProcessors() * 100,
                Runtime.getRuntime().availableProcessors()));
        md.add(String.format(Locale.ROOT, "- vendor requests as the jar timed them (`pushsync_vendor_requests_seconds`: "
                        + "from sending, after the rate limiter, to the parsed answer; the fakes take %d ms): mean "
                        + "Xtremepush %,.0f ms, CleverPush %,.0f ms", VENDOR_MS, xpRequestMs, cpRequestMs));
        if (!WARM_ROUND) {
            md.add("- measured on the replica just started (`bench.many.warm-round=false`): its JIT compiles what "
                    + "the load runs while the load runs");
        } else {
            md.add(String.format(Locale.ROOT, "- measured after one round of the same load on accounts of its own "
                    + "(`bench.many.warm-round`): a replica that has been serving, not one started into the load; "
                    + "that first round, on the replica just started, took **%.1f s (%.2f** of the vendor-bound "
                    + "minimum; no probes)", warmRoundSeconds, warmRoundSeconds / vendorBound));
        }
        if (CP_ACCOUNTS != FIGURE_CP_ACCOUNTS) {
            md.add("- **diagnostic run, not figure 7: " + CP_ACCOUNTS + " CleverPush channels instead of "
                    + FIGURE_CP_ACCOUNTS + "**");
        }
        if (!SET.isBlank()) {
            md.add("- **diagnostic run, not figure 7: settings changed: " + SET + "**");
        }
        md.add("- an account's time: from the common start (all submitted together) to its batch's answer or to the "
                + "poll (every 250 ms) that saw its job end; own minimum = ceil(requests / limit-for-period) x "
                + "limit-refresh-period");

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", LocalDate.now().toString());
        json.put("quick", QUICK);
        json.put("totalSeconds", round(totalSeconds));
        json.put("vendorBoundSeconds", vendorBound);
        json.put("totalRatio", round(totalRatio));
        json.put("slowest", Map.of("account", slowest.name, "kind", slowest.kind(), "seconds", round(slowest.seconds),
                "minimumSeconds", slowest.minimumSeconds, "ratio", round(slowest.ratio())));
        json.put("probe", Map.of("rows", PROBE_ROWS, "everyMs", PROBE_EVERY_MS, "tokens", PROBE_TOKENS, "p50Ms",
                p50, "p99Ms", p99,
                "sent", probeMs.size() + probeFailures.get(), "failed", probeFailures.get(), "ms", probesSorted));
        json.put("heapUsedMaxMb", Math.round(heapUsedMax));
        json.put("heapAfterGcMaxMb", Math.round(heapLiveMax));
        json.put("processDied", String.valueOf(death));
        json.put("queueFull429", queueFull);
        json.put("settingsChanged", SET);
        json.put("cleverpushChannels", CP_ACCOUNTS);
        json.put("jvmOptions", String.join(" ", JVM_OPTIONS));
        json.put("warmRound", WARM_ROUND);
        json.put("warmRoundSeconds", round(warmRoundSeconds));
        json.put("gcPauses", Math.round(jvmAfter[1] - jvmBefore[1]));
        json.put("vendorRequestMeanMs", Map.of("xtremepush", xpRequestMs, "cleverpush", cpRequestMs));
        json.put("gcPauseSeconds", round(jvmAfter[0] - jvmBefore[0]));
        json.put("cpuSeconds", round((jvmAfter[2] - jvmBefore[2]) / 1e9));
        json.put("benchmarkJvmCpuSeconds", round(benchCpu));
        json.put("fakeMaxInFlight", Map.of("xtremepush", xpMaxInFlight, "cleverpush", cpMaxInFlight));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Account a : accounts) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("account", a.name);
            r.put("kind", a.kind());
            r.put("rows", a.rows);
            r.put("requests", a.requests);
            r.put("minimumSeconds", a.minimumSeconds);
            r.put("seconds", round(a.seconds));
            r.put("ratio", round(a.ratio()));
            r.put("queuedSeconds", round(a.queuedSeconds));
            r.put("runningSeconds", round(a.runningSeconds));
            r.put("queueFull429", a.queueFull);
            r.put("outcome", a.outcome);
            rows.add(r);
        }
        json.put("accounts", rows);
        json.put("probeFailureReasons", probeFailureReasons);
        json.put("probeSamples(t s at sending, ms)", probeSeries);
        json.put("heapSamples(t s, used MB, after-GC MB)", heap);
        Files.writeString(out.resolve("many-accounts.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        Files.writeString(out.resolve("many-accounts.md"), String.join("\n", md) + "\n");
        System.out.println("\n==== many accounts (" + out.resolve("many-accounts.md") + ") ====");
        md.forEach(System.out::println);

        assertThat(death).as("the service process at " + XMX).isNull();
        for (Account a : accounts) {
            assertThat(a.ok).as("%s: %s", a.name, a.outcome).isEqualTo(a.rows);
        }
    }

    /** One account's batch (answered when done) or job (resent after Retry-After while the queue is full, polled). */
    private void run(String base, Account a, byte[] body, long start) throws Exception {
        if (!a.job) {
            HttpResponse<byte[]> r = post(base, a.vendor, "batches", body);
            a.seconds = (System.nanoTime() - start) / 1e9;
            JsonNode summary = JSON.readTree(r.body()).path("summary");
            a.ok = r.statusCode() == 200 ? summary.path("succeeded").asInt() + summary.path("accepted").asInt() : -1;
            a.outcome = r.statusCode() + (r.statusCode() == 200 ? ", " + a.ok + " rows succeeded or accepted"
                    : ": " + new String(r.body(), StandardCharsets.UTF_8));
            return;
        }
        HttpResponse<byte[]> submitted;
        while ((submitted = post(base, a.vendor, "jobs", body)).statusCode() == 429) {
            a.queueFull++;
            long wait = submitted.headers().firstValueAsLong("Retry-After").orElse(1);
            Thread.sleep(TimeUnit.SECONDS.toMillis(wait));
        }
        if (submitted.statusCode() != 202) {
            a.seconds = (System.nanoTime() - start) / 1e9;
            a.outcome = "submission answered " + submitted.statusCode();
            return;
        }
        String jobId = JSON.readTree(submitted.body()).get("jobId").asString();
        JsonNode status = ServiceBenchmark.awaitJob(http, base, jobId, start, Duration.ofMinutes(30),
                Duration.ofMillis(POLL_MS), () -> new double[] {-1, -1}, new ArrayList<>());
        a.seconds = (System.nanoTime() - start) / 1e9;
        if (status == null) {
            a.outcome = "did not end within 30 minutes";
            return;
        }
        JsonNode s = status.path("summary");
        a.ok = s.path("succeeded").asInt() + s.path("accepted").asInt();
        a.outcome = status.path("state").asString() + ", " + a.ok + " rows succeeded or accepted";
        Instant created = Instant.parse(status.path("createdAt").asString());
        Instant started = Instant.parse(status.path("startedAt").asString());
        Instant finished = Instant.parse(status.path("finishedAt").asString());
        a.queuedSeconds = Duration.between(created, started).toMillis() / 1e3;
        a.runningSeconds = Duration.between(started, finished).toMillis() / 1e3;
    }

    /**
     * The {@code n}th 10-row Xtremepush batch, on the probes' app token {@code n} modulo {@link #PROBE_TOKENS}; its
     * latency in ms, every row succeeded or accepted.
     */
    private long probe(String base, String batchId, int n) throws Exception {
        byte[] body = ServiceBenchmark.profileBody(PROBE_ROWS, batchId, -1, "probe-app-token-" + n % PROBE_TOKENS);
        long t = System.nanoTime();
        HttpResponse<byte[]> r = post(base, "xtremepush", "batches", body);
        long ms = (System.nanoTime() - t) / 1_000_000;
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(text).isEqualTo(200);
        JsonNode summary = JSON.readTree(r.body()).path("summary");
        assertThat(summary.path("succeeded").asInt() + summary.path("accepted").asInt()).as(text)
                .isEqualTo(PROBE_ROWS);
        return ms;
    }

    private HttpResponse<byte[]> post(String base, String destination, String what, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/destinations/" + destination + "/" + what))
                .timeout(Duration.ofMinutes(15)).header("Authorization", "Bearer " + ServiceBenchmark.TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The jar's GC pause seconds and count so far, and its CPU time in ns (-1 when not exposed). */
    private double[] gcAndCpu(String base) throws Exception {
        String text = ServiceBenchmark.prometheusText(http, base);
        boolean cpu = text.lines().anyMatch(l -> l.startsWith("process_cpu_time_ns_total"));
        return new double[] {ServiceBenchmark.prometheusSum(text, "jvm_gc_pause_seconds_sum", ""),
                ServiceBenchmark.prometheusSum(text, "jvm_gc_pause_seconds_count", ""),
                cpu ? ServiceBenchmark.prometheusSum(text, "process_cpu_time_ns_total", "") : -1,
                ServiceBenchmark.prometheusSum(text, "pushsync_vendor_requests_seconds_sum{",
                        "destination=\"xtremepush\""),
                ServiceBenchmark.prometheusSum(text, "pushsync_vendor_requests_seconds_count{",
                        "destination=\"xtremepush\""),
                ServiceBenchmark.prometheusSum(text, "pushsync_vendor_requests_seconds_sum{",
                        "destination=\"cleverpush\""),
                ServiceBenchmark.prometheusSum(text, "pushsync_vendor_requests_seconds_count{",
                        "destination=\"cleverpush\"")};
    }

    /** The mean of a timer over the run, in ms: its sum at {@code at} and its count after it, before and after. */
    private static double meanMs(double[] before, double[] after, int at) {
        double count = after[at + 1] - before[at + 1];
        return count <= 0 ? 0 : round((after[at] - before[at]) / count * 1000);
    }

    /** ceil(requests / limit) refresh periods, in seconds. */
    static double minimumSeconds(int requests, int limitForPeriod, Duration period) {
        return Math.ceil((double) requests / limitForPeriod) * period.toMillis() / 1e3;
    }

    /** The {@code @DefaultValue} of a component of a {@code @ConfigurationProperties} record. */
    static String defaultOf(Class<? extends Record> type, String component) {
        var components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            Parameter[] parameters = type.getDeclaredConstructor(types).getParameters();
            for (int i = 0; i < components.length; i++) {
                if (components[i].getName().equals(component)) {
                    return parameters[i].getAnnotation(DefaultValue.class).value()[0];
                }
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException(type.getSimpleName() + " has no " + component);
    }

    private static Properties applicationYml() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        return yaml.getObject();
    }

    private static double[] prepend(double t, double[] values) {
        return new double[] {t, values[0], values[1]};
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1,
                (int) Math.ceil(p * sorted.size()) - 1));
    }
}
