package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A vendor that answers oddly: huge bodies, escaped token echoes, unexpected statuses. */
class XtremepushHostileVendorTest extends XtremepushWireMockSupport {

    @Test
    void aHugeSuccessBodyIsStillASuccessAndIsNotResent() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(200)
                .withBody("{\"code\":200,\"data\":\"" + "x".repeat(3 << 20) + "\"}")));

        JsonNode response = postBatch(profiles(profiles(3, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }

    @Test
    void aHugeRejectionBodyIsNotRetriedAndItsMessageIsBounded() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"code\":400,\"message\":\"" + "y".repeat(100_000) + "\"}")));

        JsonNode response = postBatch(profiles(profiles(1, "r")));

        assertFailed(response.get("results").get(0), "rejected_by_destination", false);
        assertThat(response.get("results").get(0).get("error").get("message").asString().length())
                .isLessThan(1_200);
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }

    @Test
    void aTokenEchoedJsonEscapedDoesNotReachTheResponse() throws Exception {
        String token = "abc/def-SECRET";
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"code\":400,\"message\":\"Invalid apptoken abc\\/def-SECRET\"}")));
        ObjectNode body = profiles(List.of(profile("r1", "u1")));
        ((ObjectNode) body.get("connection")).put("appToken", token);

        String raw = postBatchRaw(body);

        assertThat(raw).doesNotContain("def-SECRET").contains("Invalid apptoken ****");
    }

    @ParameterizedTest
    @ValueSource(ints = {405, 410, 409})
    void aRefusalThatNoSplitCanCureStopsTheBatchWithoutIsolation(int status) throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(status)
                .withBody(envelope(status, "refused"))));

        JsonNode response = postBatch(profiles(profiles(40, "r")));

        assertAllFailed(response, "rejected_by_destination", false);
        assertThat(response.get("results").get(0).get("error").get("message").asString())
                .contains("answered " + status, "refused");
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }

    @Test
    void aRedirectFailsTheBatchAsRetryableWithoutIsolation() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://127.0.0.1:1/elsewhere")));

        JsonNode response = postBatch(profiles(profiles(40, "r")));

        assertAllFailed(response, "destination_unavailable", true);
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }

    @Test
    void a413IsIsolatedLikeA400() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"u-3\""))
                .willReturn(aResponse().withStatus(413).withBody(envelope(413, "too large"))));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(2)
                .willReturn(aResponse().withStatus(200).withBody(envelope(200, "ok"))));

        JsonNode response = postBatch(profiles(profiles(8, "r")));

        for (int i = 0; i < 8; i++) {
            JsonNode result = response.get("results").get(i);
            if (i == 3) {
                assertFailed(result, "rejected_by_destination", false);
            } else {
                assertThat(result.get("status").asString()).isEqualTo("succeeded");
            }
        }
    }
}
