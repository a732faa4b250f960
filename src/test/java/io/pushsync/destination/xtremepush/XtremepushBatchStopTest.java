package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * 401/403/404 stop the whole batch at once: small chunks, sent one after another, show that no further chunk is sent
 * (with chunks in flight together: {@link XtremepushPipelineTest}).
 */
@TestPropertySource(properties = {
        "pushsync.xtremepush.chunk-size=2",
        "pushsync.xtremepush.chunks-in-flight=1",
        "pushsync.xtremepush.list-chunk-size=2",
})
class XtremepushBatchStopTest extends XtremepushWireMockSupport {

    @Test
    void a401FailsEveryRowAsAuthFailedWithoutRetryAndStopsTheBatch() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(401)
                .withBody(envelope(401, "Invalid app token"))));

        JsonNode response = postBatch(profiles(profiles(6, "r")));

        assertAllFailed(response, "destination_auth_failed", false);
        assertThat(response.get("results").get(5).get("error").get("message").asString())
                .contains("Invalid app token");
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }

    @Test
    void a403FailsEveryRowAsAuthFailedWithoutRetryAndStopsTheBatch() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(403)
                .withBody(envelope(403, "API access is not enabled for this project"))));

        JsonNode response = postBatch(profiles(profiles(6, "r")));

        assertAllFailed(response, "destination_auth_failed", false);
        assertThat(response.get("results").get(0).get("error").get("message").asString())
                .contains("API access is not enabled");
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }

    @Test
    void a401AfterAConfirmedChunkKeepsTheConfirmedRows() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).withRequestBody(containing("\"u-0\""))
                .willReturn(okJson(envelope(200, "ok"))));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(10).willReturn(aResponse().withStatus(401)
                .withBody(envelope(401, "Token revoked"))));

        JsonNode response = postBatch(profiles(profiles(6, "r")));

        JsonNode results = response.get("results");
        assertThat(results.get(0).get("status").asString()).isEqualTo("succeeded");
        assertThat(results.get(1).get("status").asString()).isEqualTo("succeeded");
        for (int i = 2; i < 6; i++) {
            assertFailed(results.get(i), "destination_auth_failed", false);
        }
        assertThat(requestsTo(PROFILE_PATH)).hasSize(2);
    }

    @Test
    void a404OnAListFailsEveryRowAsNotFoundWithOneRequest() throws Exception {
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).willReturn(aResponse().withStatus(404)
                .withBody(envelope(404, "List 999 not found"))));
        List<ObjectNode> rows = List.of(member("m1", null, "a@example.com"), member("m2", null, "b@example.com"),
                member("m3", null, "c@example.com"), member("m4", null, "user-4"), member("m5", null, "user-5"),
                member("m6", null, "user-6"));

        JsonNode response = postBatch(batch("list_members", "add", listOptions(999), rows));

        assertAllFailed(response, "destination_not_found", false);
        assertThat(response.get("results").get(5).get("error").get("message").asString())
                .contains("List 999 not found");
        assertThat(requestsTo(LIST_PATH)).hasSize(1);
        JsonNode sent = bodyOf(requestsTo(LIST_PATH).get(0));
        assertThat(sent.get("id").asLong()).isEqualTo(999L);
        assertThat(sent.get("mode").asString()).isEqualTo("create");
        assertThat(sent.get("items").size()).isEqualTo(2);
    }
}
