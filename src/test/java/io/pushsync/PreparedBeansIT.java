package io.pushsync;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.pushsync.testsupport.BatchAssertions;
import io.pushsync.testsupport.PackagedJar;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The packaged jar started as the image starts it, with the bean definitions Spring AOT generated at build time
 * ({@code -Dspring.aot.enabled=true}): with the defaults it uses them and serves a batch; where the configuration
 * chooses other beans (the sandbox profile, which also turns the console on) it starts without them, says why, and
 * those beans are there.
 */
class PreparedBeansIT {

    static final String TOKEN = "prepared-beans-it";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static WireMockServer cleverPush;

    @BeforeAll
    static void vendor() {
        PackagedJar.path(); // without the jar every test here is aborted, before a vendor is started
        cleverPush = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        cleverPush.start();
        cleverPush.stubFor(get(urlPathMatching("/channel/[^/]+/tags"))
                .willReturn(okJson("{\"_id\":\"channel\",\"name\":\"Prepared beans IT\"}")));
        cleverPush.stubFor(post(urlPathMatching("/subscription/sync/.*")).willReturn(okJson("{\"success\":true}")));
    }

    @AfterAll
    static void stop() {
        if (cleverPush != null) {
            cleverPush.stop();
        }
    }

    @Test
    void withTheDefaultsItStartsWithThePreparedDefinitionsAndServesABatch() throws Exception {
        try (Replica replica = Replica.start("--pushsync.api-tokens=" + TOKEN,
                "--pushsync.cleverpush.base-url=http://127.0.0.1:" + cleverPush.port())) {
            assertThat(replica.log()).contains("Starting AOT-processed PushsyncApplication")
                    .doesNotContain("Starting without the bean definitions prepared ahead of time");

            String channel = "chan-" + UUID.randomUUID().toString().substring(0, 8);
            ObjectNode body = JSON.createObjectNode();
            body.put("syncId", "prepared-beans").put("batchId", "b-" + UUID.randomUUID());
            body.putObject("connection").put("channelId", channel).put("apiKey", "cp-key");
            body.put("objectType", "subscriptions").put("mode", "upsert");
            ArrayNode rows = body.putArray("rows");
            for (int i = 1; i <= 2; i++) {
                rows.addObject().put("id", "r" + i).putObject("fields").put("subscription_id", "s-" + i)
                        .put("plan", "plan " + i);
            }
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
                            URI.create(replica.base() + "/v1/destinations/cleverpush/batches"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode results = JSON.readTree(answer.body());
            BatchAssertions.assertOneResultPerRowInOrder(body, results);
            results.get("results").forEach(BatchAssertions::assertSucceeded);
            assertThat(cleverPush.findAll(postRequestedFor(urlPathEqualTo("/subscription/sync/" + channel))))
                    .hasSize(2);
            // the console is off by default, in the prepared definitions too
            assertThat(replica.get("/console/login").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void whereTheConfigurationChoosesOtherBeansItStartsWithoutThemAndSaysWhy() throws Exception {
        try (Replica replica = Replica.start("--spring.profiles.active=sandbox")) {
            assertThat(replica.log()).doesNotContain("Starting AOT-processed")
                    .contains("Starting without the bean definitions prepared ahead of time")
                    .contains("pushsync.console.enabled=true").contains("profile sandbox");
            // the beans those choices make: the console and the sandbox's simulators
            assertThat(replica.get("/console/login").statusCode()).isEqualTo(200);
            assertThat(replica.get("/sandbox/cleverpush/subscriptions").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anOperatorCanTurnThemOffThroughTheEnvironment() throws Exception {
        try (Replica replica = Replica.start(Map.of("PUSHSYNC_STARTUP_AHEAD_OF_TIME", "false"),
                "--pushsync.api-tokens=" + TOKEN)) {
            assertThat(replica.log()).doesNotContain("Starting AOT-processed")
                    .contains("Starting without the bean definitions prepared ahead of time")
                    .contains("pushsync.startup.ahead-of-time=false");
            assertThat(replica.get("/console/login").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theBuildsEnvironmentLeftNoProfileInThem() throws IOException {
        // a profile active while process-aot ran would be written into the jar and activated in every start
        try (JarFile file = new JarFile(PackagedJar.path().toFile())) {
            List<String> generated = file.stream().map(JarEntry::getName)
                    .filter(name -> name.contains("__")).toList();
            assertThat(generated).as("the classes Spring AOT generated")
                    .anyMatch(name -> name.endsWith("PushsyncApplication__ApplicationContextInitializer.class"))
                    .noneMatch(name -> name.contains("__EnvironmentPostProcessor"));
        }
    }

    /** The packaged jar in a JVM of its own with {@code -Dspring.aot.enabled=true}, ready. */
    record Replica(Process process, Path logFile, String base) implements AutoCloseable {

        static Replica start(String... arguments) throws Exception {
            return start(Map.of(), arguments);
        }

        static Replica start(Map<String, String> environment, String... arguments) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = Files.createTempFile("pushsync-prepared-beans-", ".log");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Dspring.aot.enabled=true", "-jar", PackagedJar.path().toString(),
                    "--server.port=" + port,
                    "--server.address=127.0.0.1", "--logging.level.io.pushsync=INFO",
                    "--pushsync.jobs.spool-dir=" + Files.createTempDirectory("pushsync-prepared-beans-spool")));
            cmd.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            // only this test's settings: none inherited from the shell that runs the build
            builder.environment().keySet().removeIf(name -> name.matches(
                    "(?i)(SPRING|SPRINGDOC|PUSHSYNC|MANAGEMENT|SERVER|LOGGING|RESILIENCE4J)_.*|JAVA_TOOL_OPTIONS"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            Replica replica = new Replica(process, log, "http://127.0.0.1:" + port);
            if (PackagedJar.awaitReady(process, replica.base, Duration.ofSeconds(120))) {
                return replica;
            }
            replica.close();
            throw new IllegalStateException("not ready; log:\n" + replica.log());
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        String log() throws IOException {
            return Files.readString(logFile);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
