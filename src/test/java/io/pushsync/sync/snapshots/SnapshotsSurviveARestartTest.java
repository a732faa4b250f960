package io.pushsync.sync.snapshots;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.pushsync.testsupport.PushsyncReplicas;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A single instance (the in-process state store) keeps its replace snapshots on disk: a new application context on
 * the same {@code pushsync.snapshots.directory} compares with what the one before it delivered.
 */
class SnapshotsSurviveARestartTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String LIST_PATH = "/api/external/import/list";

    @TempDir
    Path snapshots;

    private WireMockServer xtremepush;

    @BeforeEach
    void vendor() {
        xtremepush = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        xtremepush.start();
        xtremepush.stubFor(post(urlEqualTo(LIST_PATH)).willReturn(okJson("{\"code\":200,\"success\":true}")));
    }

    @AfterEach
    void stop() {
        xtremepush.stop();
    }

    private JsonNode replaceOnAFreshInstance(String... members) throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("pushsync.api-tokens", "t");
        properties.put("pushsync.snapshots.directory", snapshots.toString());
        properties.put("pushsync.xtremepush.regions.eu.base-url", "http://127.0.0.1:" + xtremepush.port());
        try (PushsyncReplicas instance = PushsyncReplicas.start(1, properties)) {
            ObjectNode body = JSON.createObjectNode();
            body.put("syncId", "restart");
            body.put("batchId", "b-" + String.join("-", members));
            body.putObject("connection").put("region", "eu").put("appToken", "restart-token");
            body.put("objectType", "list_members");
            body.put("mode", "replace");
            body.putObject("options").put("listId", 77);
            var rows = body.putArray("rows");
            for (String m : members) {
                rows.addObject().put("id", m).putObject("fields").put("identifier", m);
            }
            HttpResponse<String> response = instance.post(0, "/v1/destinations/xtremepush/batches",
                    JSON.writeValueAsString(body), "t");
            assertThat(response.statusCode()).isEqualTo(200);
            return JSON.readTree(response.body());
        }
    }

    private List<String> sent(String mode) {
        List<String> out = new ArrayList<>();
        for (var e : xtremepush.getAllServeEvents()) {
            JsonNode body = JSON.readTree(e.getRequest().getBodyAsString());
            if (body.get("mode").asString().equals(mode)) {
                body.get("items").forEach(i -> out.add(i.asString()));
            }
        }
        return out;
    }

    @Test
    void theSnapshotOfTheLastRunOutlivesTheInstance() throws Exception {
        JsonNode first = replaceOnAFreshInstance("a", "b", "c");
        xtremepush.resetRequests();

        JsonNode second = replaceOnAFreshInstance("b", "c", "d");

        assertThat(first.get("snapshot").asString()).isEqualTo("created");
        assertThat(second.get("snapshot").asString()).isEqualTo("updated");
        assertThat(sent("create")).containsExactly("d");
        assertThat(sent("delete")).containsExactly("a");
    }
}
