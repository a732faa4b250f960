package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.pushsync.resilience.VendorResilience;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The circuit breaker per app token: it opens after the configured failures, then rows fail fast (no vendor call)
 * as retryable {@code destination_unavailable}; after the open period one trial call closes it again. Probes stay
 * up throughout.
 */
@TestPropertySource(properties = {
        "resilience4j.circuitbreaker.configs.xtremepush.sliding-window-size=4",
        "resilience4j.circuitbreaker.configs.xtremepush.minimum-number-of-calls=4",
        "resilience4j.circuitbreaker.configs.xtremepush.failure-rate-threshold=50",
        "resilience4j.circuitbreaker.configs.xtremepush.wait-duration-in-open-state=300ms",
        "resilience4j.circuitbreaker.configs.xtremepush.permitted-number-of-calls-in-half-open-state=1",
})
class XtremepushCircuitBreakerTest extends XtremepushWireMockSupport {

    @Autowired
    VendorResilience resilience;

    private static ObjectNode batchFor(String token) {
        ObjectNode body = profiles(profiles(3, "r"));
        ((ObjectNode) body.get("connection")).put("appToken", token);
        return body;
    }

    @Test
    void opensAfterRepeatedFailuresFailsFastThenHalfOpensAndRecovers() throws Exception {
        String token = "cb-token-" + UUID.randomUUID();
        CircuitBreaker breaker = resilience.circuitBreaker("xtremepush", VendorResilience.accountName("xtremepush", token));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(500)));

        JsonNode first = postBatch(batchFor(token));

        // 4 failed attempts open the circuit; the 5th attempt is not made
        assertAllFailed(first, "destination_unavailable", true);
        assertThat(requestsTo(PROFILE_PATH)).hasSize(4);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

        JsonNode second = postBatch(batchFor(token));
        assertAllFailed(second, "destination_unavailable", true);
        assertThat(second.get("results").get(0).get("error").get("message").asString()).contains("circuit is open");
        assertThat(requestsTo(PROFILE_PATH)).as("an open circuit calls nobody").hasSize(4);

        // probes never depend on a vendor
        mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"));
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
        // the open circuit shows in the health details (for a caller with a token), without taking health down
        String account = VendorResilience.accountName("xtremepush", token);
        mvc.perform(get("/actuator/health").header("Authorization", "Bearer test-token"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"))
                .andExpect(jsonPath("$.components.vendorCircuits.details['" + account + "']")
                        .value("OPEN"));
        mvc.perform(get("/actuator/health")).andExpect(jsonPath("$.components").doesNotExist());

        // the vendor is back: after the open period a trial call closes the circuit
        wireMock.resetAll();
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(200)
                .withBody(envelope(200, "ok"))));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertAllSucceeded(postBatch(batchFor(token))));
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void rejectedRowsDoNotCountAgainstTheCircuit() throws Exception {
        String token = "cb-token-" + UUID.randomUUID();
        CircuitBreaker breaker = resilience.circuitBreaker("xtremepush", VendorResilience.accountName("xtremepush", token));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(400)
                .withBody(envelope(400, "bad rows"))));

        for (int i = 0; i < 3; i++) {
            assertAllFailed(postBatch(batchFor(token)), "rejected_by_destination", false);
        }

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void anotherAccountIsNotAffected() throws Exception {
        String broken = "cb-token-" + UUID.randomUUID();
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(503)));
        postBatch(batchFor(broken));
        assertThat(resilience.circuitBreaker("xtremepush", VendorResilience.accountName("xtremepush", broken))
                .getState()).isEqualTo(CircuitBreaker.State.OPEN);

        String healthy = "cb-token-" + UUID.randomUUID();
        assertThat(resilience.circuitBreaker("xtremepush", VendorResilience.accountName("xtremepush", healthy))
                .getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
