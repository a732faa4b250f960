package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The API key never appears in a response or in the service's log lines, even when the vendor echoes it. */
@ExtendWith(OutputCaptureExtension.class)
class CleverPushSecretsTest extends CleverPushWireMockSupport {

    @Test
    void theKeyEchoedByTheVendorIsNeitherAnsweredNorLogged(CapturedOutput output) throws Exception {
        String channel = freshChannel("sec");
        String echo = "{\"error\":\"key " + API_KEY + " may not write custom attributes\"}";
        // a non-2xx (logged by the exchange), a 2xx with an error, a 5xx retried to exhaustion, a tag refusal
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-0")))
                .willReturn(aResponse().withStatus(400).withBody(echo)));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-1")))
                .willReturn(okJson(echo)));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo("s-2")))
                .willReturn(aResponse().withStatus(502).withBody(echo)));
        ObjectNode body = batch("subscriptions", "upsert", channel, subscriptions(4, "r"));

        String raw = postBatchRaw(body);
        JsonNode response = JSON.readTree(raw);

        JsonNode results = response.get("results");
        assertFailed(results.get(0), "rejected_by_destination", false);
        assertFailed(results.get(1), "rejected_by_destination", false);
        assertFailed(results.get(2), "destination_unavailable", true);
        assertSucceeded(results.get(3));
        for (int i = 0; i < 3; i++) {
            assertThat(message(results.get(i))).contains("may not write custom attributes");
        }
        assertThat(raw).doesNotContain(API_KEY);
        List<String> serviceLines = Arrays.stream(output.getAll().split("\\R"))
                .filter(l -> l.contains("--- [pushsync]")).toList();
        assertThat(serviceLines).anyMatch(l -> l.contains("cleverpush POST /subscription/sync/{channelId} -> 400"))
                .anyMatch(l -> l.contains("-> 502"));
        assertThat(serviceLines).noneMatch(l -> l.contains(API_KEY));
        // the key did go to the vendor, where it belongs
        assertThat(requestsTo(syncPath(channel))).allMatch(r -> API_KEY.equals(r.getHeader("Authorization")));
    }

    @Test
    void theKeyEchoedOnARefusedPreflightOrTagIsNeitherAnsweredNorLogged(CapturedOutput output) throws Exception {
        String echo = "{\"error\":\"unknown key " + API_KEY + "\"}";
        wireMock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo(channelPath("secChan1")))
                .willReturn(aResponse().withStatus(401).withBody(echo)));
        wireMock.stubFor(post(urlEqualTo(TAG_ADD_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.tagId", equalTo("bad")))
                .willReturn(okJson(echo)));

        String refused = postBatchRaw(batch("subscriptions", "upsert", "secChan1", subscriptions(2, "r")));
        String tags = postBatchRaw(batch("tags", "add", "secChan2",
                List.of(tagRow("r0", null, "s-0", "good,bad"))));

        assertThat(JSON.readTree(refused).get("results").get(0).get("error").get("code").asString())
                .isEqualTo("destination_auth_failed");
        assertThat(message(JSON.readTree(refused).get("results").get(0))).contains("unknown key");
        assertThat(message(JSON.readTree(tags).get("results").get(0))).contains("bad", "unknown key");
        assertThat(refused).doesNotContain(API_KEY);
        assertThat(tags).doesNotContain(API_KEY);
        List<String> serviceLines = Arrays.stream(output.getAll().split("\\R"))
                .filter(l -> l.contains("--- [pushsync]")).toList();
        assertThat(serviceLines).isNotEmpty().noneMatch(l -> l.contains(API_KEY));
    }
}
