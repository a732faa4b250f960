package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** A vendor that does not answer within {@code pushsync.xtremepush.request-timeout} is retried like a 5xx. */
@TestPropertySource(properties = "pushsync.xtremepush.request-timeout=300ms")
class XtremepushTimeoutsTest extends XtremepushWireMockSupport {

    @Test
    void aReadTimeoutIsRetriedAndThenFailsEveryRowAsUnavailable() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(200)
                .withFixedDelay(1000).withBody(envelope(200, "ok"))));

        long started = System.nanoTime();
        JsonNode response = postBatch(profiles(profiles(3, "r")));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertAllFailed(response, "destination_unavailable", true);
        assertThat(response.get("results").get(0).get("error").get("message").asString())
                .contains("did not answer").contains("after 5 attempts");
        // five attempts of 300ms each, not five times the 1s the stub would take
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1500)).isLessThan(Duration.ofMillis(5000));
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(requestsTo(PROFILE_PATH)).hasSize(5));
    }
}
