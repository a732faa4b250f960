package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.testsupport.BatchAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A 429 whose {@code Retry-After} is longer than the batch's remaining budget: no other chunk of that account is
 * sent in this batch (each would only get its own 429); every row fails {@code rate_limited}, retryable.
 */
@TestPropertySource(properties = {
        "pushsync.xtremepush.chunk-size=2",
        "pushsync.xtremepush.chunks-in-flight=1",
})
class XtremepushRetryAfterBeyondBudgetTest extends XtremepushWireMockSupport {

    @Test
    void aRetryAfterBeyondTheBudgetStopsTheOtherChunks() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "3600").withBody("{\"code\":429,\"message\":\"slow down\"}")));

        JsonNode response = postBatch(profiles(profiles(10, "r")));

        BatchAssertions.assertAllFailed(response, "rate_limited", true);
        assertThat(wireMock.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH))))
                .as("the first chunk only: its Retry-After outlasts the batch").hasSize(1);
    }
}
