package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushsync.resilience.VendorResilience;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** After a short quiet period without 429s, successes bring the channel's limit back step by step. */
@TestPropertySource(properties = "pushsync.resilience.quiet-period=1s")
class CleverPushRateRecoveryTest extends CleverPushWireMockSupport {

    @Autowired
    VendorResilience resilience;

    @Test
    void laterSuccessesRestoreTheConfiguredLimit() throws Exception {
        String channel = freshChannel("rec");
        String account = CleverPushClient.account(channel);
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).inScenario("429").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429)).willSetStateTo("ok"));
        wireMock.stubFor(post(urlEqualTo(syncPath(channel))).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"success\":true}")));

        assertAllSucceeded(postBatch(batch("subscriptions", "upsert", channel, subscriptions(1, "r"))));
        int slowed = resilience.currentLimitForPeriod("cleverpush", account);
        assertThat(slowed).isEqualTo(CONFIGURED_LIMIT / 2);

        // further small batches: each success after a quiet period lets the limit climb a quarter step
        List<Integer> seen = new ArrayList<>();
        seen.add(slowed);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertAllSucceeded(postBatch(batch("subscriptions", "upsert", channel, subscriptions(2, "r"))));
            int now = resilience.currentLimitForPeriod("cleverpush", account);
            if (now != seen.get(seen.size() - 1)) {
                seen.add(now);
            }
            assertThat(now).isEqualTo(CONFIGURED_LIMIT);
        });
        System.out.println("cleverpush: limit per period went " + seen);
        // step by step (a quarter of the configured rate each time), never straight back
        assertThat(seen).containsExactly(50000, 75000, 100000);
    }
}
