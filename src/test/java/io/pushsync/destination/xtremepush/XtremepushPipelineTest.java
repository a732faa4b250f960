package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
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
class XtremepushPipelineTest extends FakeXtremepushSupport {

    private static List<ObjectNode> rowsFor(String... userIds) {
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < userIds.length; i++) {
            rows.add(profile("r" + i, userIds[i]));
        }
        return rows;
    }

    @Test
    void twoChunksAreInFlightAtOnceAndNeverMore() throws Exception {
        // requests are answered in pairs, each pair held 300ms more, in which a third chunk beside them would come
        List<List<String>> chunks = postAllSucceeding(FakeXtremepush.holding(2, Duration.ofMillis(300)),
                profiles(profiles(8, "r")));

        assertThat(VENDOR.mostInFlight()).isEqualTo(2);
        // the same chunks as one after another: rows in input order, two per request
        assertThat(chunks).containsExactlyInAnyOrder(List.of("u-0", "u-1"), List.of("u-2", "u-3"),
                List.of("u-4", "u-5"), List.of("u-6", "u-7"));
    }

    @Test
    void chunksSharingAUserIdAreNeverInFlightTogether() throws Exception {
        // the second chunk repeats u-1 of the first: it must wait for the first to finish, and every request is held
        // 1s, in which the second would come beside the first if it did not wait
        List<List<String>> chunks = postAllSucceeding(FakeXtremepush.holding(1, Duration.ofSeconds(1)),
                profiles(rowsFor("u-0", "u-1", "u-1", "u-2", "u-3", "u-4", "u-5", "u-6")));

        assertThat(VENDOR.overlaps()).isEmpty();
        assertThat(chunks).hasSize(4);
        assertThat(chunks.indexOf(List.of("u-0", "u-1"))).isLessThan(chunks.indexOf(List.of("u-1", "u-2")));
    }

    @Test
    void a401StopsTheBatchWhileTheChunkInFlightKeepsItsOutcome() throws Exception {
        // chunk 2 (u-2, u-3) is refused once both chunks are in; chunk 1 (u-0, u-1) is held until then, and for 1s
        // more, in which a third chunk would arrive if the refusal did not stop the batch
        VENDOR.reset((vendor, arrival, body) -> {
            List<String> ids = FakeXtremepush.userIds(body);
            if (ids.contains("u-2")) {
                vendor.awaitArrivals(Duration.ofSeconds(10), n -> n >= 2);
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
