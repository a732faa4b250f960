package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.node.ObjectNode;

/** Every non-2xx vendor exchange is one log line with method, path, status, attempt, duration, vendor message. */
@ExtendWith(OutputCaptureExtension.class)
class XtremepushExchangeLogTest extends XtremepushWireMockSupport {

    @Test
    void aNon2xxExchangeIsLoggedWithTheBatchContextAndWithoutTheToken(CapturedOutput output) throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":400,\"success\":false,\"message\":\"bad apptoken " + APP_TOKEN
                        + "\",\"errors\":{\"first_name\":[\"too long\"]}}")));
        ObjectNode body = profiles(profiles(1, "r"));
        String batchId = body.get("batchId").asString();

        postBatch(body);

        List<String> lines = Arrays.stream(output.getAll().split("\\R"))
                .filter(l -> l.contains("xtremepush POST /api/external/import/profile -> 400")).toList();
        assertThat(lines).hasSize(1);
        String line = lines.get(0);
        assertThat(line).contains("WARN", "(attempt 1)", " ms ", "first_name: [\"too long\"]",
                "wiremock-tests", batchId, "xtremepush");
        // the service's own log lines (WireMock's request journal on the test side prints the vendor's view)
        List<String> serviceLines = Arrays.stream(output.getAll().split("\\R"))
                .filter(l -> l.contains("--- [pushsync]")).toList();
        assertThat(serviceLines).isNotEmpty().noneMatch(l -> l.contains(APP_TOKEN));
    }
}
