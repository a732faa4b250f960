package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The contract's metrics after a batch: right names, right tags, right counts, no credential in any tag. */
class XtremepushMetricsTest extends XtremepushWireMockSupport {

    @Autowired
    MeterRegistry registry;

    private double rows(String status) {
        Counter c = registry.find("pushsync_rows_total").tags("destination", "xtremepush", "object_type",
                "user_profiles", "status", status).counter();
        return c == null ? 0 : c.count();
    }

    private long requests(String outcome) {
        Timer t = registry.find("pushsync_vendor_requests_seconds").tags("destination", "xtremepush", "operation",
                "import_profile", "outcome", outcome).timer();
        return t == null ? 0 : t.count();
    }

    private double retries(String reason) {
        Counter c = registry.find("pushsync_vendor_retries_total").tags("destination", "xtremepush", "reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aBatchIsCountedByRowStatusVendorOutcomeAndRetryReason() {
        double succeeded = rows("succeeded");
        double failed = rows("failed");
        long ok = requests("2xx");
        long rejected = requests("4xx");
        long unavailable = requests("5xx");
        double serverRetries = retries("5xx");
        long batches = registry.find("pushsync_batch_seconds").tags("destination", "xtremepush", "object_type",
                "user_profiles").timers().stream().mapToLong(Timer::count).sum();

        // the first request answers 503 (and is retried); the pair with the bad row is refused, then split
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).inScenario("flaky").whenScenarioStateIs("up")
                .withRequestBody(containing("\"u-1\""))
                .willReturn(aResponse().withStatus(400).withBody(envelope(400, "bad row"))));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(2).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withBody(envelope(200, "ok"))));

        try {
            postBatch(profiles(profiles(2, "r")));
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        assertThat(rows("succeeded") - succeeded).isEqualTo(1);
        assertThat(rows("failed") - failed).isEqualTo(1);
        // 503, then the refused pair (400), then u-0 alone (200) and u-1 alone (400)
        assertThat(requests("5xx") - unavailable).isEqualTo(1);
        assertThat(requests("4xx") - rejected).isEqualTo(2);
        assertThat(requests("2xx") - ok).isEqualTo(1);
        assertThat(retries("5xx") - serverRetries).isEqualTo(1);
        assertThat(registry.find("pushsync_batch_seconds").tags("destination", "xtremepush", "object_type",
                "user_profiles").timers().stream().mapToLong(Timer::count).sum()).isEqualTo(batches + 1);

        List<Meter> ours = registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("pushsync_"))
                .toList();
        assertThat(ours).isNotEmpty().allSatisfy(m -> m.getId().getTags().forEach(tag -> {
            assertThat(tag.getValue()).doesNotContain(APP_TOKEN).doesNotContain("u-0").doesNotContain("r0");
            assertThat(tag.getKey()).isIn("destination", "object_type", "status", "operation", "outcome", "reason", "state");
        }));
    }
}
