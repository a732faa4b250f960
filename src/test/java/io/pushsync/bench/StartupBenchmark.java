package io.pushsync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.pushsync.bench.ServiceBenchmark.FakeVendor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Start-up: time from launching the JVM to {@code /actuator/health/readiness} answering 200, and the time of the first
 * request after that (a 100-row Xtremepush batch against a fake vendor that answers at once), for the packaged jar
 * as built ({@code java -jar pushsync.jar}) and for the form the container image runs: the jar extracted
 * ({@code -Djarmode=tools extract}) and started with a Class Data Sharing archive from a training run
 * ({@code -XX:ArchiveClassesAtExit} with {@code spring.context.exit=onRefresh}): once with an archive trained
 * without the bean definitions Spring AOT prepared (the archive alone), once with one trained with them
 * ({@code -Dspring.aot.enabled=true}, as the {@code Dockerfile} does) and all the JVM options of the
 * {@code Dockerfile}'s {@code ENTRYPOINT} ({@link #entrypointOptions}).
 * The three are started in turn, {@code bench.startup-runs} times each (default 5), one JVM at a time; medians and
 * spread are printed and written to {@code startup.md} / {@code startup.json}. Correctness only is asserted (ready,
 * every row of the first batch succeeded); no figure is.
 * <p>
 * With {@code -Dbench.image=<image>} (built from the {@code Dockerfile}, Docker running) the image is measured in the same
 * run, alternating too: as built, and started without its archive ({@code --entrypoint java <image> -jar app.jar}).
 * <p>
 * Part of {@code ./mvnw -B -Pbenchmark verify}; alone: {@code -Dit.test=StartupBenchmark}. Skipped in the quick and
 * CleverPush-only runs.
 */
class StartupBenchmark {

    private static final int RUNS = Integer.getInteger("bench.startup-runs", 5);
    private static final String TOKEN = ServiceBenchmark.TOKEN;
    /** {@code -Dbench.image=pushsync:dev}: an image built from the Dockerfile, measured too (needs Docker). */
    private static final String IMAGE = System.getProperty("bench.image");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** One start: milliseconds to readiness, then to the first and the second batch's answers. */
    record Start(long readyMs, long firstRequestMs, long secondRequestMs) {
    }

    @Test
    void measure() throws Exception {
        assumeFalse(Boolean.getBoolean("bench.quick"), "bench.quick=true measures figures 1, 2 and 6 only");
        assumeFalse(Boolean.getBoolean("bench.cleverpush-only"), "bench.cleverpush-only=true measures figure 3 only");
        Path jar = ServiceBenchmark.packagedJar();
        Path out = ServiceBenchmark.outputDirectory();
        Path dir = ServiceBenchmark.freshDirectory("startup");

        // the image's form: extracted, then one training run writes the archive
        run(List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
                dir.resolve("extracted").toString()), dir, dir.resolve("extract.log"));
        Path extracted;
        try (Stream<Path> files = Files.list(dir.resolve("extracted"))) {
            extracted = files.filter(f -> f.getFileName().toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        // as the Dockerfile's training run: with the bean definitions prepared ahead of time, which the image uses,
        // and the image's collector
        Path archive = dir.resolve("app.jsa");
        long trainingStarted = System.nanoTime();
        run(Stream.of(java(), imageCollector(Path.of("Dockerfile")), "-XX:ArchiveClassesAtExit=" + archive,
                "-Dspring.aot.enabled=true", "-Dspring.context.exit=onRefresh",
                "-Dpushsync.jobs.spool-dir=" + dir.resolve("training-spool"), "-jar", extracted.toString())
                .filter(o -> !o.isEmpty()).toList(), dir, dir.resolve("training.log"));
        long trainingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - trainingStarted);
        assertThat(archive).as("the CDS archive of the training run").isRegularFile();
        // the archive alone (no prepared definitions), for the form that shows what the archive does by itself
        Path plainArchive = dir.resolve("app-without-aot.jsa");
        run(List.of(java(), "-XX:ArchiveClassesAtExit=" + plainArchive, "-Dspring.context.exit=onRefresh",
                "-Dpushsync.jobs.spool-dir=" + dir.resolve("training-spool-2"), "-jar", extracted.toString()),
                dir, dir.resolve("training-without-aot.log"));

        List<String> imageOptions = entrypointOptions(Path.of("Dockerfile"), archive);
        List<String> imageForm = new ArrayList<>(imageOptions);
        imageForm.addAll(List.of("-jar", extracted.toString()));

        List<Start> plain = new ArrayList<>();
        List<Start> cds = new ArrayList<>();
        List<Start> imageJvm = new ArrayList<>();
        List<Start> imageWithout = new ArrayList<>();
        List<Start> image = new ArrayList<>();
        try (FakeVendor xp = FakeVendor.start()) {
            for (int i = 0; i < RUNS; i++) {
                plain.add(start(jvm(List.of("-jar", jar.toString())), xp, dir, "plain-" + i, false));
                cds.add(start(jvm(List.of("-XX:SharedArchiveFile=" + plainArchive, "-jar", extracted.toString())), xp,
                        dir, "cds-" + i, false));
                imageJvm.add(start(jvm(imageForm), xp, dir, "image-form-" + i, true));
                if (IMAGE != null) {
                    imageWithout.add(start(container(List.of("--entrypoint", "java"), List.of("-jar", "app.jar")),
                            xp, dir, "image-without-archive-" + i, false));
                    image.add(start(container(List.of(), List.of()), xp, dir, "image-" + i, true));
                }
            }
        }

        List<String> md = new ArrayList<>();
        md.add("| start-up | readiness, ms (median; runs) | first batch, ms (median; runs) | second batch, ms (median) |");
        md.add("|---|---|---|---|");
        md.add(row("packaged jar, `java -jar`", plain));
        md.add(row("extracted, CDS archive only (`-XX:SharedArchiveFile`)", cds));
        md.add(row("extracted, the image's JVM options (`" + String.join(" ", imageOptions)
                .replace(archive.toString(), "app.jsa") + "`)", imageJvm));
        if (IMAGE != null) {
            md.add(row("image " + IMAGE + ", started without its archive (`--entrypoint java ... -jar app.jar`)",
                    imageWithout));
            md.add(row("image " + IMAGE + " as built", image));
        }
        md.add("");
        md.add(String.format(Locale.ROOT, "Readiness with the image's JVM options: %.2f of the packaged jar's; with "
                        + "the archive only: %.2f (medians, %d runs each, alternating); the training run took %,d ms "
                        + "and wrote a %,d MB archive.",
                (double) median(imageJvm, Start::readyMs) / median(plain, Start::readyMs),
                (double) median(cds, Start::readyMs) / median(plain, Start::readyMs), RUNS, trainingMs,
                Files.size(archive) / 1_000_000));
        if (IMAGE != null) {
            md.add(String.format(Locale.ROOT, "The image as built: %.2f of the same image started without its "
                    + "archive.", (double) median(image, Start::readyMs) / median(imageWithout, Start::readyMs)));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("runs", RUNS);
        json.put("trainingMs", trainingMs);
        json.put("packagedJar", plain);
        json.put("extractedWithCds", cds);
        json.put("imageJvmOptions", imageOptions);
        json.put("extractedWithImageJvmOptions", imageJvm);
        if (IMAGE != null) {
            json.put("image", IMAGE);
            json.put("imageWithoutArchive", imageWithout);
            json.put("imageAsBuilt", image);
        }
        Files.writeString(out.resolve("startup.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        Files.writeString(out.resolve("startup.md"), String.join("\n", md) + "\n");
        System.out.println("\n==== start-up (" + out.resolve("startup.md") + ") ====");
        md.forEach(System.out::println);
    }

    /** How a start is launched: the command for a port, a vendor URL and a spool directory; and how it is ended. */
    interface Launcher {
        List<String> command(int port, String vendorUrl, Path spool, String name);

        default void cleanUp(String name) throws Exception {
        }
    }

    /** A JVM on this machine with these options and arguments, the service's settings as arguments. */
    private static Launcher jvm(List<String> launch) {
        return (port, vendorUrl, spool, name) -> {
            List<String> cmd = new ArrayList<>(List.of(java()));
            cmd.addAll(launch);
            cmd.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1", "--pushsync.api-tokens=" + TOKEN,
                    "--pushsync.xtremepush.regions.eu.base-url=" + vendorUrl, "--pushsync.jobs.spool-dir=" + spool,
                    "--logging.level.root=WARN", "--logging.level.io.pushsync=INFO"));
            return cmd;
        };
    }

    /** The image {@code bench.image} in Docker, host network, the service's settings as environment. */
    private static Launcher container(List<String> runOptions, List<String> arguments) {
        return new Launcher() {
            @Override
            public List<String> command(int port, String vendorUrl, Path spool, String name) {
                List<String> cmd = new ArrayList<>(List.of("docker", "run", "--rm", "--name", "pushsync-bench-" + name,
                        "--network", "host", "-e", "SERVER_PORT=" + port, "-e", "SERVER_ADDRESS=127.0.0.1",
                        "-e", "PUSHSYNC_API_TOKENS=" + TOKEN, "-e", "PUSHSYNC_XTREMEPUSH_REGIONS_EU_BASE_URL=" + vendorUrl,
                        "-e", "LOGGING_LEVEL_ROOT=WARN", "-e", "LOGGING_LEVEL_IO_PUSHSYNC=INFO"));
                cmd.addAll(runOptions);
                cmd.add(IMAGE);
                cmd.addAll(arguments);
                return cmd;
            }

            @Override
            public void cleanUp(String name) throws Exception {
                new ProcessBuilder("docker", "rm", "-f", "pushsync-bench-" + name).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
            }
        };
    }

    /** One start; {@code prepared}: whether it must use the bean definitions prepared ahead of time (its log says). */
    private Start start(Launcher launcher, FakeVendor xp, Path dir, String name, boolean prepared) throws Exception {
        int port = ServiceBenchmark.freePort();
        List<String> cmd = launcher.command(port, xp.url(), dir.resolve("spool-" + name), name);
        String base = "http://127.0.0.1:" + port;
        long started = System.nanoTime();
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        try {
            long deadline = started + TimeUnit.SECONDS.toNanos(120);
            while (!ready(base)) {
                assertThat(process.isAlive()).as("%s is running (log %s.log)", name, name).isTrue();
                assertThat(System.nanoTime()).as("%s ready within 120 s", name).isLessThan(deadline);
                Thread.sleep(10);
            }
            long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Start start = new Start(readyMs, batch(base, name + "-1"), batch(base, name + "-2"));
            // the form measured is the form named: with the prepared definitions exactly where they are meant
            String log = Files.readString(dir.resolve(name + ".log"));
            if (prepared) {
                assertThat(log).as("%s.log", name).contains("Starting AOT-processed PushsyncApplication");
            } else {
                assertThat(log).as("%s.log", name).contains("Starting PushsyncApplication")
                        .doesNotContain("AOT-processed");
            }
            return start;
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            launcher.cleanUp(name);
        }
    }

    private boolean ready(String base) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** Milliseconds until a 100-row profile batch is answered, every row succeeded or accepted. */
    private long batch(String base, String batchId) throws Exception {
        long started = System.nanoTime();
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/v1/destinations/xtremepush/batches")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ServiceBenchmark.profileBody(100, batchId))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode summary = JSON.readTree(response.body()).get("summary");
        assertThat(summary.get("succeeded").asInt() + summary.get("accepted").asInt())
                .as("rows of %s that succeeded or were accepted", batchId).isEqualTo(100);
        return ms;
    }

    private static String row(String what, List<Start> starts) {
        return String.format(Locale.ROOT, "| %s | **%,d** (%s) | %,d (%s) | %,d |", what, median(starts, Start::readyMs),
                join(starts, Start::readyMs), median(starts, Start::firstRequestMs),
                join(starts, Start::firstRequestMs), median(starts, Start::secondRequestMs));
    }

    private static String join(List<Start> starts, java.util.function.ToLongFunction<Start> f) {
        return String.join(" / ", starts.stream().map(s -> String.format(Locale.ROOT, "%,d", f.applyAsLong(s)))
                .toList());
    }

    private static long median(List<Start> starts, java.util.function.ToLongFunction<Start> f) {
        return ServiceBenchmark.median(starts.stream().map(st -> f.applyAsLong(st)).toList());
    }

    /**
     * The JVM options of the {@code Dockerfile}'s {@code ENTRYPOINT} (its exec form: {@code ["java", options...,
     * "-jar", "app.jar"]}), the image's archive {@code app.jsa} replaced by {@code archive}: the image's form is
     * measured with the options the image is started with, read from where they are written.
     */
    static List<String> entrypointOptions(Path dockerfile, Path archive) throws IOException {
        String line = Files.readAllLines(dockerfile).stream().filter(l -> l.startsWith("ENTRYPOINT ["))
                .reduce((first, last) -> last)
                .orElseThrow(() -> new AssertionError("no ENTRYPOINT [...] in " + dockerfile));
        List<String> words = new ArrayList<>();
        JSON.readTree(line.substring("ENTRYPOINT ".length())).forEach(w -> words.add(w.asString()));
        int jar = words.indexOf("-jar");
        assertThat(words.get(0)).as("the ENTRYPOINT starts java").isEqualTo("java");
        assertThat(jar).as("the ENTRYPOINT runs -jar app.jar").isPositive();
        return words.subList(1, jar).stream().map(w -> w.replace("app.jsa", archive.toString())).toList();
    }

    /** The collector option of the image's {@code ENTRYPOINT} ({@code -XX:+Use...GC}), or "" for the JVM's own. */
    static String imageCollector(Path dockerfile) throws IOException {
        return entrypointOptions(dockerfile, Path.of("app.jsa")).stream().filter(o -> o.matches("-XX:\\+Use\\w+GC"))
                .findFirst().orElse("");
    }

    private static void run(List<String> cmd, Path dir, Path log) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("%s ended within 180 s", cmd).isTrue();
        assertThat(p.exitValue()).as("exit of %s, log %s", cmd, log).isZero();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
