package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.pushsync.resilience.VendorResilience;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * 429s slow the channel's rate limiter down (halved, once per burst) and {@code Retry-After} is honoured. The quiet
 * period stays at its default (30s) here, so nothing recovers while a test looks.
 */
class CleverPushRateLimitTest extends CleverPushWireMockSupport {

    @Autowired
    VendorResilience resilience;

    private void stub429Then200(String channel, String scenario, String userId, String retryAfter) {
        var first = post(urlEqualTo(syncPath(channel))).inScenario(scenario).whenScenarioStateIs(STARTED);
        var second = post(urlEqualTo(syncPath(channel))).inScenario(scenario).whenScenarioStateIs("ok");
        if (userId != null) {
            first = first.withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo(userId)));
            second = second.withRequestBody(matchingJsonPath("$.customAttributes.user_id", equalTo(userId)));
        }
        var tooMany = aResponse().withStatus(429).withBody("{\"error\":\"Too many requests\"}");
        if (retryAfter != null) {
            tooMany = tooMany.withHeader("Retry-After", retryAfter);
        }
        wireMock.stubFor(first.willReturn(tooMany).willSetStateTo("ok"));
        wireMock.stubFor(second.willReturn(okJson("{\"success\":true}")));
    }

    @Test
    void a429HalvesTheChannelsLimitAndTheRowStillSucceeds() throws Exception {
        String channel = freshChannel("rl");
        String account = CleverPushClient.account(channel);
        stub429Then200(channel, "429", null, null);
        assertThat(resilience.currentLimitForPeriod("cleverpush", account)).isEqualTo(CONFIGURED_LIMIT);

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(1, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(syncPath(channel))).hasSize(2);
        assertThat(resilience.currentLimitForPeriod("cleverpush", account)).isEqualTo(CONFIGURED_LIMIT / 2);
        // another channel is not affected
        String other = freshChannel("rl-other");
        assertAllSucceeded(postBatch(batch("subscriptions", "upsert", other, subscriptions(1, "r"))));
        assertThat(resilience.currentLimitForPeriod("cleverpush", CleverPushClient.account(other)))
                .isEqualTo(CONFIGURED_LIMIT);
    }

    @Test
    void retryAfterZeroIsRetriedAtOnceAndStillSlowsTheLimiterDown() throws Exception {
        String channel = freshChannel("rl0");
        stub429Then200(channel, "429-0", null, "0");

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(1, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(syncPath(channel))).hasSize(2);
        assertThat(resilience.currentLimitForPeriod("cleverpush", CleverPushClient.account(channel)))
                .isEqualTo(CONFIGURED_LIMIT / 2);
    }

    @Test
    void aBurstOf429sFromConcurrentCallsHalvesTheLimitOnce() throws Exception {
        String channel = freshChannel("rlb");
        for (int i = 0; i < 4; i++) {
            stub429Then200(channel, "burst-" + i, "s-" + i, null);
        }

        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(4, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(syncPath(channel))).hasSize(8);
        assertThat(resilience.currentLimitForPeriod("cleverpush", CleverPushClient.account(channel)))
                .isEqualTo(CONFIGURED_LIMIT / 2);
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        String channel = freshChannel("ra");
        stub429Then200(channel, "retry-after", null, "1");

        long started = System.nanoTime();
        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(1, "r")));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertAllSucceeded(response);
        List<ServeEvent> events = serveEventsTo(syncPath(channel));
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getResponse().getStatus()).isEqualTo(429);
        assertThat(events.get(1).getResponse().getStatus()).isEqualTo(200);
        long gap = startMillis(events.get(1)) - endMillis(events.get(0));
        System.out.printf("cleverpush: the retry after 'Retry-After: 1' came %d ms after the 429%n", gap);
        // without Retry-After the first retry would be immediate; ms-resolution timestamps: a little slack
        assertThat(gap).isGreaterThanOrEqualTo(980);
        assertThat(tookMs).isGreaterThanOrEqualTo(1000).isLessThan(6000);
    }
}
