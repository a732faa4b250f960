package io.pushsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code json-logs} profile: every console line is one JSON object, and the lines of a batch carry its
 * syncId, batchId and destination as fields. An {@code *IT} (Failsafe, its own JVM) because it reconfigures the
 * logging system, which the other tests read as plain text.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles({"sandbox", "json-logs"})
@ExtendWith(OutputCaptureExtension.class)
class JsonLogsIT {

    static final int PORT = freePort();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void batchLinesAreJsonWithTheBatchContext(CapturedOutput output) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + PORT + "/v1/destinations/xtremepush/batches"))
                .header("Authorization", "Bearer sandbox-token")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        Files.readString(Path.of("examples/xtremepush-profiles.json"))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        JsonMapper json = JsonMapper.builder().build();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.getOut().split("\\R")) {
            if (line.startsWith("{")) {
                lines.add(json.readTree(line));
            }
        }
        List<JsonNode> batchLines = lines.stream()
                .filter(l -> "2026-11-23T02:00:00Z-0001".equals(l.path("batchId").asString(null))).toList();
        // the vendor's refusal of r5 (logged on an I/O thread) and the batch summary
        assertThat(batchLines).anySatisfy(l -> {
            assertThat(l.path("log").path("level").asString()).isEqualTo("WARN");
            assertThat(l.path("message").asString()).contains("import/profile -> 400");
        });
        assertThat(batchLines).anySatisfy(l -> assertThat(l.path("message").asString()).contains("Summary["));
        assertThat(batchLines).allSatisfy(l -> {
            assertThat(l.path("syncId").asString()).isEqualTo("nightly-profiles");
            assertThat(l.path("destination").asString()).isEqualTo("xtremepush");
        });
        assertThat(output.getOut()).doesNotContain("sandbox-app-token");
    }
}
