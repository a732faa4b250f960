package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Chunks of a batch in flight together ({@code chunks-in-flight=2}), against a fake vendor that counts the requests
 * it holds at once. Waits in the fake only give a wrong implementation the chance to show itself; no assertion is on
 * time.
 */
@TestPropertySource(properties = {
        "pushsync.xtremepush.chunk-size=2",
        "pushsync.xtremepush.chunks-in-flight=2",
})
class XtremepushPipelineTest extends XtremepushWireMockSupport {

    static final FakeXtremepush VENDOR = new FakeXtremepush();

    @DynamicPropertySource
    static void vendor(DynamicPropertyRegistry registry) {
        registry.add("pushsync.xtremepush.regions.eu.base-url", VENDOR::baseUrl);
    }

    @AfterAll
    static void stopVendor() {
        VENDOR.close();
    }

    private static List<ObjectNode> rowsFor(String... userIds) {
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < userIds.length; i++) {
            rows.add(profile("r" + i, userIds[i]));
        }
        return rows;
    }

    @Test
    void twoChunksAreInFlightAtOnceAndNeverMore() throws Exception {
        // each request waits up to 500ms for two more: requests that can be in flight together arrive together, and
        // a third chunk sent beside two would be held with them
        VENDOR.reset(FakeXtremepush.inGroupsOf(3, Duration.ofMillis(500)));

        JsonNode response = postBatch(profiles(profiles(8, "r")));

        assertAllSucceeded(response);
        assertThat(VENDOR.bodies()).hasSize(4);
        assertThat(VENDOR.mostInFlight()).isEqualTo(2);
        // the same chunks as one after another: rows in input order, two per request
        List<List<String>> chunks = VENDOR.bodies().stream().map(FakeXtremepush::userIds).toList();
        assertThat(chunks).containsExactlyInAnyOrder(List.of("u-0", "u-1"), List.of("u-2", "u-3"),
                List.of("u-4", "u-5"), List.of("u-6", "u-7"));
    }

    @Test
    void chunksSharingAUserIdAreNeverInFlightTogether() throws Exception {
        // the second chunk repeats u-1 of the first: it waits for the first to finish (the first waits up to 1s for
        // a partner that must not come), the third and fourth are sent together again
        VENDOR.reset(FakeXtremepush.inGroupsOf(2, Duration.ofSeconds(1)));

        JsonNode response = postBatch(profiles(rowsFor("u-0", "u-1", "u-1", "u-2", "u-3", "u-4", "u-5", "u-6")));

        assertAllSucceeded(response);
        assertThat(VENDOR.overlaps()).isEmpty();
        List<List<String>> chunks = VENDOR.bodies().stream().map(FakeXtremepush::userIds).toList();
        assertThat(chunks).hasSize(4);
        assertThat(chunks.indexOf(List.of("u-0", "u-1"))).isLessThan(chunks.indexOf(List.of("u-1", "u-2")));
        assertThat(VENDOR.mostInFlight()).as("the chunks without a shared id still overlap").isEqualTo(2);
    }

    @Test
    void a401StopsTheBatchWhileTheChunkInFlightKeepsItsOutcome() throws Exception {
        // chunk 1 (u-0, u-1) is held until chunk 2 (u-2, u-3) has been refused, and then for 1s more, in which a
        // third chunk would arrive if the refusal did not stop the batch
        VENDOR.reset((vendor, arrival, body) -> {
            List<String> ids = FakeXtremepush.userIds(body);
            if (ids.contains("u-2")) {
                return 401;
            }
            if (ids.contains("u-0")) {
                vendor.awaitAnswered(401, Duration.ofSeconds(10));
                vendor.awaitArrivals(Duration.ofSeconds(1), n -> n > 2);
            }
            return 200;
        });

        JsonNode response = postBatch(profiles(profiles(6, "r")));

        JsonNode results = response.get("results");
        assertSucceeded(results.get(0));
        assertSucceeded(results.get(1));
        for (int i = 2; i < 6; i++) {
            assertFailed(results.get(i), "destination_auth_failed", false);
        }
        assertThat(VENDOR.bodies()).hasSize(2);
        assertThat(VENDOR.mostInFlight()).isEqualTo(2);
    }
}
