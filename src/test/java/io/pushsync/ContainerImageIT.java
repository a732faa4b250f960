package io.pushsync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.pushsync.testsupport.BatchAssertions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.ToStringConsumer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The production image: built from the project's {@code Dockerfile} (on the locally built Java 17 base image,
 * {@code PUSHSYNC_BASE_IMAGE}, default {@code local/pushsync-jre:17} from {@code scripts/build-base-image.sh}) with
 * the jar Maven just packaged, and run with host networking against WireMock on 127.0.0.1 playing CleverPush.
 * <p>
 * Without a Docker engine (or without the base image) every test is skipped, each reported as skipped with the
 * reason (an assumption in {@code @BeforeEach}: an assumption failing in {@code @BeforeAll} would leave the class out
 * of the failsafe summary, {@code Tests run: 0, Skipped: 0}), unless {@code PUSHSYNC_REQUIRE_DOCKER=true} (CI), where
 * the class fails instead. The methods run in order: the last one stops the container with SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageIT {

    static final String DEFAULT_BASE_IMAGE = "local/pushsync-jre:17";
    static final String IMAGE_NAME = "pushsync-it:latest";
    static final String TOKEN = "image-it-token";
    static final String API_KEY = "cp-key-image-it-SECRET-" + UUID.randomUUID();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static WireMockServer cleverPush;
    static GenericContainer<?> container;
    static final ToStringConsumer containerLog = new ToStringConsumer();
    static int port;
    /** Why the tests are skipped (no engine, no base image), or null. */
    static String skipReason;

    @BeforeAll
    static void start() throws Exception {
        boolean required = "true".equalsIgnoreCase(System.getenv("PUSHSYNC_REQUIRE_DOCKER"));
        skipReason = null;
        if (!requireOrSkip(required, DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine is reachable (install docker.io and start dockerd, see docs/platform-notes.md)")) {
            return;
        }
        String baseImage = System.getenv().getOrDefault("PUSHSYNC_BASE_IMAGE", DEFAULT_BASE_IMAGE);
        if (!requireOrSkip(required, imageExists(baseImage),
                "base image " + baseImage + " does not exist locally: run scripts/build-base-image.sh")) {
            return;
        }

        Path project = Path.of("").toAbsolutePath();
        Path jar;
        try (Stream<Path> files = Files.list(project.resolve("target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches("pushsync-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/pushsync-*.jar: run ./mvnw package"));
        }

        cleverPush = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        cleverPush.start();
        port = freePort();

        // only what the Dockerfile needs: the build context stays small (like .dockerignore)
        ImageFromDockerfile image = new ImageFromDockerfile(IMAGE_NAME, false)
                .withFileFromPath("Dockerfile", project.resolve("Dockerfile"))
                .withFileFromPath(".dockerignore", project.resolve(".dockerignore"))
                .withFileFromPath("target/" + jar.getFileName(), jar)
                .withBuildArg("BASE_IMAGE", baseImage);

        container = new GenericContainer<>(image)
                .withNetworkMode("host")
                .withEnv("SERVER_PORT", Integer.toString(port))
                .withEnv("SERVER_ADDRESS", "127.0.0.1")
                .withEnv("PUSHSYNC_API_TOKENS", TOKEN)
                .withEnv("PUSHSYNC_CLEVERPUSH_BASE_URL", "http://127.0.0.1:" + cleverPush.port())
                // as the Helm chart runs it: read-only root filesystem, only /tmp writable
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
                .withTmpFs(java.util.Map.of("/tmp", "rw"))
                .withLogConsumer(containerLog)
                .waitingFor(new ReadinessProbe(port).withStartupTimeout(Duration.ofSeconds(90)));
        container.start();
    }

    @BeforeEach
    void skipWithoutDocker() {
        assumeTrue(skipReason == null, () -> skipReason);
    }

    @AfterAll
    static void stop() throws IOException {
        if (container != null) {
            Path log = Path.of("target", "failsafe-reports", "ContainerImageIT-container.log");
            Files.createDirectories(log.getParent());
            Files.writeString(log, containerLog.toUtf8String());
            container.stop();
            DockerClient docker = DockerClientFactory.instance().client();
            removeImage(docker, IMAGE_NAME);
            // the build's extract stage, left dangling by the legacy builder (labelled in the Dockerfile)
            docker.listImagesCmd().withDanglingFilter(true).withLabelFilter("io.pushsync.build-stage=extract")
                    .exec().forEach(i -> removeImage(docker, i.getId()));
        }
        if (cleverPush != null) {
            cleverPush.stop();
        }
    }

    @Test
    @Order(1)
    void aBatchGetsOneResultPerRowAndTheKeyOnlyReachesTheVendor() throws Exception {
        String channel = "chan-" + UUID.randomUUID().toString().substring(0, 8);
        stubChannel(channel, 0);
        cleverPush.stubFor(post(urlPathEqualTo("/subscription/sync/" + channel)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("crm-2")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"Subscription crm-2 is refused\"}")));
        ObjectNode body = batch(channel, 3);

        HttpResponse<String> response = send(body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        BatchAssertions.assertOneResultPerRowInOrder(body, answer);
        JsonNode results = answer.get("results");
        BatchAssertions.assertSucceeded(results.get(0));
        BatchAssertions.assertFailed(results.get(1), "rejected_by_destination", false);
        BatchAssertions.assertSucceeded(results.get(2));
        assertThat(response.body()).doesNotContain(API_KEY);

        List<LoggedRequest> checks = cleverPush.findAll(getRequestedFor(urlPathEqualTo("/channel/" + channel + "/tags")));
        List<LoggedRequest> syncs = cleverPush.findAll(postRequestedFor(urlPathEqualTo("/subscription/sync/"
                + channel)));
        assertThat(checks).hasSize(1);
        assertThat(syncs).hasSize(3);
        assertThat(Stream.concat(checks.stream(), syncs.stream()))
                .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo(API_KEY));
        assertThat(syncs.stream().map(r -> JSON.readTree(r.getBodyAsString()))
                .collect(Collectors.toMap(b -> b.at("/customAttributes/user_id").asString(),
                        b -> b.at("/customAttributes/plan").asString())))
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("crm-1", "plan 1", "crm-2", "plan 2",
                        "crm-3", "plan 3"));

        // the refusal is logged (WARN, with the vendor's message), the key is not
        assertThat(containerLog.toUtf8String()).contains(" -> 400")
                .doesNotContain(API_KEY);
    }

    @Test
    @Order(2)
    void theJvmIsPidOneAndNotRoot() throws Exception {
        var uid = container.execInContainer("id", "-u");
        assertThat(uid.getExitCode()).isZero();
        assertThat(uid.getStdout().trim()).isEqualTo("10001");
        assertThat(container.execInContainer("id", "-g").getStdout().trim()).isEqualTo("10001");
        // exec-form ENTRYPOINT: the JVM itself is PID 1 (so it receives SIGTERM), running as that user
        var pid1 = container.execInContainer("cat", "/proc/1/cmdline");
        assertThat(pid1.getStdout().replace('\0', ' ')).startsWith("java ")
                .contains("-XX:+UseParallelGC", "-XX:SharedArchiveFile=app.jsa", "-Dspring.aot.enabled=true",
                        "-jar app.jar");
        var status = container.execInContainer("grep", "^Uid:", "/proc/1/status");
        assertThat(status.getStdout().split("\\s+")).contains("10001").doesNotContain("0");
        // the heap is sized from the container's memory (JAVA_TOOL_OPTIONS in the Dockerfile)
        assertThat(containerLog.toUtf8String()).contains("-XX:MaxRAMPercentage=75");
    }

    @Test
    @Order(3)
    void itStartedWithTheBeanDefinitionsPreparedAheadOfTime() {
        // the defaults (and the vendor URLs, tokens and port given here) fit the definitions Spring AOT generated
        // into the jar: the start neither parses configuration classes nor leaves the definitions aside
        assertThat(containerLog.toUtf8String()).contains("Starting AOT-processed PushsyncApplication")
                .doesNotContain("Starting without the bean definitions prepared ahead of time");
    }

    @Test
    @Order(3)
    void theApplicationsClassesComeFromTheImagesClassDataSharingArchive() throws Exception {
        // -Xshare:on makes a JVM that cannot map the archive fail instead of starting without it; the class-load log
        // names where each class came from ("shared objects file (top)" is the application's dynamic archive)
        var run = container.execInContainer("java", "-XX:+UseParallelGC", "-Xshare:on", "-XX:SharedArchiveFile=app.jsa",
                "-Xlog:class+load=info:file=/tmp/class-load.log", "-Dspring.context.exit=onRefresh",
                // a spool of its own: the running replica's spool and its lock stay untouched
                "-Dpushsync.jobs.spool-dir=/tmp/cds-check-spool",
                "-jar", "app.jar");
        assertThat(run.getExitCode()).as("training-style start with -Xshare:on: %s", run.getStderr()).isZero();
        var log = container.execInContainer("grep", "-E",
                "^\\[.*\\]\\[info\\]\\[class,load\\] io\\.pushsync\\.PushsyncApplication source: ", "/tmp/class-load.log");
        assertThat(log.getStdout()).as("where PushsyncApplication was loaded from").contains("shared objects file (top)");
        var fromArchive = container.execInContainer("grep", "-c", "io\\.pushsync\\..* source: shared objects file (top)",
                "/tmp/class-load.log");
        assertThat(Integer.parseInt(fromArchive.getStdout().trim())).as("pushsync classes mapped from app.jsa")
                .isGreaterThan(100);
    }

    @Test
    @Order(4)
    void sigtermLetsTheRunningBatchFinishThenTheProcessExits() throws Exception {
        String channel = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        stubChannel(channel, 1000);
        int rows = 20;
        ObjectNode body = batch(channel, rows);

        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> send(body));
        // the batch is under way: the vendor has received its first calls (8 in flight, 1 s each)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (syncCalls(channel) == 0) {
            assertThat(System.nanoTime()).as("first vendor call within 30 s").isLessThan(deadline);
            assertThat(pending).as("the batch is still running").isNotDone();
            Thread.sleep(20);
        }
        DockerClient docker = container.getDockerClient();
        String id = container.getContainerId();
        docker.killContainerCmd(id).withSignal("SIGTERM").exec();
        long killedAt = System.nanoTime();
        int callsAtKill = syncCalls(channel);

        HttpResponse<String> response = pending.get(60, TimeUnit.SECONDS);
        long answeredAt = System.nanoTime();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        BatchAssertions.assertOneResultPerRowInOrder(body, answer);
        BatchAssertions.assertAllSucceeded(answer);
        assertThat(syncCalls(channel)).isEqualTo(rows);
        assertThat(callsAtKill).as("SIGTERM arrived mid-batch").isLessThan(rows);
        assertThat(Duration.ofNanos(answeredAt - killedAt)).as("the batch went on after SIGTERM")
                .isGreaterThan(Duration.ofMillis(900));

        InspectContainerResponse.ContainerState state = awaitExit(docker, id, Duration.ofSeconds(30));
        // The JVM ends on SIGTERM after its shutdown hooks (Spring's graceful shutdown) with 128 + 15 = 143.
        assertThat(state.getExitCodeLong()).as("exit code").isIn(143L, 0L);
        assertThat(containerLog.toUtf8String()).contains("Commencing graceful shutdown")
                .contains("Graceful shutdown complete").doesNotContain(API_KEY);
        System.out.printf("ContainerImageIT: SIGTERM after %d vendor calls, answer %d ms after it (batch %d ms),"
                        + " exit code %d%n", callsAtKill, TimeUnit.NANOSECONDS.toMillis(answeredAt - killedAt),
                TimeUnit.NANOSECONDS.toMillis(answeredAt - started), state.getExitCodeLong());
    }

    static void removeImage(DockerClient docker, String image) {
        try {
            docker.removeImageCmd(image).withForce(true).exec();
        } catch (RuntimeException e) {
            // already gone or still used by another build: nothing to clean up here
        }
    }

    static InspectContainerResponse.ContainerState awaitExit(DockerClient docker, String id, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                return state;
            }
            if (System.nanoTime() > deadline) {
                fail("the container still runs " + timeout + " after SIGTERM and its batch");
            }
            Thread.sleep(100);
        }
    }

    static void stubChannel(String channel, int delayMillis) {
        cleverPush.stubFor(get(urlPathEqualTo("/channel/" + channel + "/tags"))
                .willReturn(okJson("{\"_id\":\"" + channel + "\",\"name\":\"Image IT\"}")));
        cleverPush.stubFor(post(urlPathEqualTo("/subscription/sync/" + channel)).atPriority(5)
                .willReturn(okJson("{\"success\":true}").withFixedDelay(delayMillis)));
    }

    static int syncCalls(String channel) {
        return cleverPush.findAll(postRequestedFor(urlPathEqualTo("/subscription/sync/" + channel))).size();
    }

    static ObjectNode batch(String channel, int rows) {
        ObjectNode body = JSON.createObjectNode();
        body.put("syncId", "image-it");
        body.put("batchId", "batch-" + UUID.randomUUID());
        ObjectNode connection = body.putObject("connection");
        connection.put("channelId", channel);
        connection.put("apiKey", API_KEY);
        body.put("objectType", "subscriptions");
        body.put("mode", "upsert");
        ArrayNode arr = body.putArray("rows");
        for (int i = 1; i <= rows; i++) {
            ObjectNode row = arr.addObject();
            row.put("id", "r" + i);
            ObjectNode fields = row.putObject("fields");
            fields.put("subscription_id", "crm-" + i);
            fields.put("plan", "plan " + i);
        }
        return body;
    }

    static HttpResponse<String> send(ObjectNode body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/v1/destinations/cleverpush/batches"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * True if {@code condition} holds; else fails with {@code PUSHSYNC_REQUIRE_DOCKER=true}, or records the reason
     * for which {@link #skipWithoutDocker()} skips each test and returns false.
     */
    static boolean requireOrSkip(boolean required, boolean condition, String message) {
        if (!condition && required) {
            fail("PUSHSYNC_REQUIRE_DOCKER=true but " + message);
        }
        if (!condition) {
            skipReason = message;
        }
        return condition;
    }

    static boolean imageExists(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Polls {@code http://127.0.0.1:<port>/actuator/health/readiness} until it answers 200. {@code Wait.forHttp}
     * needs a mapped port, which a host-network container does not have.
     */
    static final class ReadinessProbe extends AbstractWaitStrategy {

        private final int port;

        ReadinessProbe(int port) {
            this.port = port;
        }

        @Override
        protected void waitUntilReady() {
            URI uri = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
            long deadline = System.nanoTime() + startupTimeout.toNanos();
            while (true) {
                if (!waitStrategyTarget.isRunning()) {
                    throw new ContainerLaunchException("the container exited before it was ready:\n"
                            + waitStrategyTarget.getLogs());
                }
                try {
                    HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                            .build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ContainerLaunchException("interrupted while waiting for readiness", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new ContainerLaunchException("not ready within " + startupTimeout + " at " + uri);
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ContainerLaunchException("interrupted while waiting for readiness", e);
                }
            }
        }
    }
}
