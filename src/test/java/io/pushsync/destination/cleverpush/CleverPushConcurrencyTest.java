package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** {@code pushsync.cleverpush.concurrency} bounds the calls in flight, and the bound is really used. */
@TestPropertySource(properties = "pushsync.cleverpush.concurrency=4")
class CleverPushConcurrencyTest extends CleverPushWireMockSupport {

    /** Tolerance for WireMock's millisecond timestamps: an answer and the next request within it do not overlap. */
    private static final long TOLERANCE_MS = 15;

    @Test
    void neverMoreThanTheConfiguredNumberOfCallsInFlight() throws Exception {
        String channel = freshChannel("conc");
        wireMock.stubFor(post(urlEqualTo(syncPath(channel)))
                .willReturn(okJson("{\"success\":true}").withFixedDelay(150)));

        long started = System.nanoTime();
        JsonNode response = postBatch(batch("subscriptions", "upsert", channel, subscriptions(40, "r")));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertAllSucceeded(response);
        List<ServeEvent> events = serveEventsTo(syncPath(channel));
        assertThat(events).hasSize(40);
        // WireMock's own timing covers the delay (otherwise the overlaps below would mean nothing)
        assertThat(events).allSatisfy(e -> assertThat(e.getTiming().getTotalTime()).isGreaterThanOrEqualTo(150));
        int max = maxInFlight(events);
        System.out.printf("cleverpush: 40 calls of 150 ms with concurrency 4: max %d in flight, %d ms%n", max,
                tookMs);
        assertThat(max).isLessThanOrEqualTo(4).isGreaterThan(1);
        // 10 windows of 150 ms at best; sequential would be 6 s
        assertThat(tookMs).isGreaterThanOrEqualTo(1500).isLessThan(5000);
    }

    /** The most requests WireMock had open at once, from when each arrived and when its answer was sent. */
    static int maxInFlight(List<ServeEvent> events) {
        List<long[]> marks = new ArrayList<>(); // {time, +1 arrival | -1 answered}
        for (ServeEvent e : events) {
            marks.add(new long[] {startMillis(e), +1});
            marks.add(new long[] {endMillis(e) - TOLERANCE_MS, -1});
        }
        // at the same instant an answer closes before an arrival opens
        marks.sort(Comparator.<long[]>comparingLong(m -> m[0]).thenComparingLong(m -> m[1]));
        int open = 0;
        int max = 0;
        for (long[] m : marks) {
            open += (int) m[1];
            max = Math.max(max, open);
        }
        return max;
    }
}
