package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Recognisable app tokens through every failure path (401, 429, 500, timeout, garbage body, open circuit): none
 * appears in a response, a log line of the service, a metric or an actuator answer.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "pushsync.xtremepush.request-timeout=300ms",
        "resilience4j.circuitbreaker.configs.xtremepush.sliding-window-size=4",
        "resilience4j.circuitbreaker.configs.xtremepush.minimum-number-of-calls=4",
})
class XtremepushSecretsTest extends XtremepushWireMockSupport {

    private static final String MARK = "SECRET-MARK-";

    private String batchWith(String token) throws Exception {
        ObjectNode body = profiles(profiles(2, "r"));
        ((ObjectNode) body.get("connection")).put("appToken", token);
        return postBatchRaw(body);
    }

    private String actuator(String path, boolean withToken) throws Exception {
        var request = get(path);
        if (withToken) {
            request.header("Authorization", "Bearer test-token");
        }
        var response = mvc.perform(request).andReturn().getResponse();
        return response.getStatus() + " " + response.getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void noFailurePathLeaksTheToken(CapturedOutput output) throws Exception {
        StringBuilder answers = new StringBuilder();
        // each path gets its own token, echoed back by the vendor where it can be
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing(MARK + "401"))
                .willReturn(aResponse().withStatus(401).withBody(envelope(401, "bad apptoken " + MARK + "401"))));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing(MARK + "429"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")
                        .withBody(envelope(429, "slow down " + MARK + "429"))));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing(MARK + "500"))
                .willReturn(aResponse().withStatus(500).withBody("<html>" + MARK + "500 crashed</html>")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing(MARK + "timeout"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(1_000)));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing(MARK + "garbage"))
                .willReturn(aResponse().withStatus(400).withBody("\u0000\u0001{{{" + MARK + "garbage")));
        for (String path : List.of("401", "429", "500", "timeout", "garbage")) {
            answers.append(batchWith(MARK + path));
        }
        // the 500 token's circuit is open now: one more batch fails fast
        String open = batchWith(MARK + "500");
        assertThat(open).contains("circuit is open");
        answers.append(open);

        answers.append(actuator("/actuator/prometheus", false));
        answers.append(actuator("/actuator/health", true));
        answers.append(actuator("/actuator/info", false));
        String env = actuator("/actuator/env", true);
        assertThat(env).as("env is not exposed").doesNotStartWith("200");
        answers.append(env);

        assertThat(answers.toString()).contains("destination_auth_failed", "rate_limited", "destination_unavailable",
                "rejected_by_destination", "pushsync_vendor_requests_seconds").doesNotContain(MARK);
        List<String> serviceLines = Arrays.stream(output.getAll().split("\\R"))
                .filter(l -> l.contains("--- [pushsync]")).toList();
        assertThat(serviceLines).anyMatch(l -> l.contains("-> 401")).noneMatch(l -> l.contains(MARK));
    }
}
