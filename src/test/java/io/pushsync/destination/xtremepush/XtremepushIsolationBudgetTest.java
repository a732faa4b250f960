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

/** Isolating rejected rows stops at {@code pushsync.xtremepush.isolation.max-requests-per-chunk}. */
@TestPropertySource(properties = "pushsync.xtremepush.isolation.max-requests-per-chunk=3")
class XtremepushIsolationBudgetTest extends XtremepushWireMockSupport {

    @Test
    void whenEveryRowIsRejectedTheRequestsNeverExceedTheBudget() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"code\":400,\"success\":false,\"message\":\"Unknown column first_name\"}")));

        JsonNode response = postBatch(profiles(profiles(16, "r")));

        assertAllFailed(response, "rejected_by_destination", false);
        for (JsonNode result : response.get("results")) {
            assertThat(result.get("error").get("message").asString()).contains("Unknown column first_name");
        }
        assertThat(response.get("results").get(15).get("error").get("message").asString())
                .contains("could not be isolated within 3 requests");
        assertThat(requestsTo(PROFILE_PATH)).hasSize(3);
    }

    @Test
    void rowsLeftUnresolvedByTheBudgetFailAsRejectedWhileResolvedOnesSucceed() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).withRequestBody(containing("\"bad-0\""))
                .willReturn(aResponse().withStatus(400)
                        .withBody("{\"code\":400,\"success\":false,\"message\":\"bad-0 refused\"}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(10).willReturn(okJson(envelope(200, "ok"))));
        // 8 rows, the bad one first: 8 rejected, [0,4) rejected, [0,2) rejected = 3 requests, then the budget is spent
        List<ObjectNode> rows = profiles(8, "r");
        rows.set(0, profile("r0", "bad-0"));

        JsonNode response = postBatch(profiles(rows));

        for (JsonNode result : response.get("results")) {
            assertFailed(result, "rejected_by_destination", false);
            assertThat(result.get("error").get("message").asString()).contains("bad-0 refused")
                    .contains("could not be isolated within 3 requests");
        }
        assertThat(requestsTo(PROFILE_PATH)).hasSize(3);
    }

    @Test
    void aRejectionThatFitsTheBudgetIsStillIsolated() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).withRequestBody(containing("\"bad-0\""))
                .willReturn(aResponse().withStatus(400)
                        .withBody("{\"code\":400,\"success\":false,\"message\":\"bad-0 refused\"}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(10).willReturn(okJson(envelope(200, "ok"))));
        List<ObjectNode> rows = profiles(2, "r");
        rows.set(0, profile("r0", "bad-0"));

        JsonNode response = postBatch(profiles(rows));

        assertFailed(response.get("results").get(0), "rejected_by_destination", false);
        assertThat(response.get("results").get(0).get("error").get("message").asString())
                .contains("bad-0 refused").doesNotContain("could not be isolated");
        assertThat(response.get("results").get(1).get("status").asString()).isEqualTo("succeeded");
        assertThat(requestsTo(PROFILE_PATH)).hasSize(3);
    }
}
