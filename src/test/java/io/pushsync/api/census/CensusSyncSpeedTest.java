package io.pushsync.api.census;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.Connection;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.Pace;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.connections.NamedConnection;
import io.pushsync.testsupport.ThingsDestination;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code get_sync_speed} derives from the pace a destination declares ({@code Destination.pace()}) and
 * {@code pushsync.batch.max-rows} alone: a test destination with a given pace, no vendor configuration.
 */
class CensusSyncSpeedTest {

    private static final int MAX_ROWS = 100_000;

    /** A {@code things} destination of type {@code type} that declares {@code pace} (null: declares none). */
    private static ThingsDestination paced(String type, Pace pace) {
        return new ThingsDestination(type) {
            @Override
            public Pace pace() {
                return pace == null ? super.pace() : pace;
            }

            @Override
            public void sync(SyncRequest request, Deadline deadline, RowResults results) {
            }
        };
    }

    private static NamedConnection connection(String type) {
        return new NamedConnection("c-" + type, type, new Connection(Map.of(), Map.of()), List.of());
    }

    private static void assertSpeed(ObjectNode speed, long batch, long parallel, long perSecond) {
        assertThat(speed.propertyNames()).containsExactly("maximum_batch_size", "maximum_parallel_batches",
                "maximum_records_per_second");
        assertThat(speed.get("maximum_batch_size").asLong()).as("maximum_batch_size").isEqualTo(batch);
        assertThat(speed.get("maximum_parallel_batches").asLong()).as("maximum_parallel_batches").isEqualTo(parallel);
        assertThat(speed.get("maximum_records_per_second").asLong()).as("maximum_records_per_second")
                .isEqualTo(perSecond);
    }

    @Test
    void theNumbersComeFromTheConnectionsDestinationsDeclaredPace() {
        DestinationRegistry registry = new DestinationRegistry(List.of(
                paced("chunked", new Pace(40, 1, 3, 12.5)),
                paced("per-row", new Pace(1, 4, null, 30.0)),
                paced("silent", null)));
        CensusSyncSpeed speed = new CensusSyncSpeed(registry, MAX_ROWS);

        // 40 rows a request at 12.5 requests/s: 500 records/s; ceil(12.5 / 1) = 13 batches, at most 3 chunks in flight
        assertSpeed(speed.syncSpeed(connection("chunked")), 40, 3, 500);
        // a row a request: batches of 100; 30 records/s; ceil(30 / 4) = 8 batches
        assertSpeed(speed.syncSpeed(connection("per-row")), 100, 8, 30);
        // no pace declared: one row a request, one at a time, one a second
        assertSpeed(speed.syncSpeed(connection("silent")), 100, 1, 1);
    }

    @Test
    void theShippedPacesOfXtremepushAndCleverPushGiveTheDocumentedNumbers() {
        CensusSyncSpeed speed = new CensusSyncSpeed(new DestinationRegistry(List.of()), MAX_ROWS);
        // chunk-size 5000, chunks-in-flight 2, 5 requests/s
        assertSpeed(speed.syncSpeed(new Pace(5000, 1, 2, 5.0)), 5000, 2, 25_000);
        // one call per row, concurrency 8, 20 requests/s
        assertSpeed(speed.syncSpeed(new Pace(1, 8, null, 20.0)), 100, 3, 20);
    }

    @Test
    void boundsHold() {
        // a batch is never larger than pushsync.batch.max-rows
        assertSpeed(new CensusSyncSpeed(new DestinationRegistry(List.of()), 30).syncSpeed(new Pace(50, 1, null, 2.0)),
                30, 2, 100);
        CensusSyncSpeed speed = new CensusSyncSpeed(new DestinationRegistry(List.of()), MAX_ROWS);
        // under one request a second: still one record a second and one batch
        assertSpeed(speed.syncSpeed(new Pace(1, 1, null, 0.25)), 100, 1, 1);
        // the records per second are rounded down, the parallel batches up
        assertSpeed(speed.syncSpeed(new Pace(3, 2, null, 2.5)), 3, 2, 7);
        // chunks in flight cap the parallel batches, never raise them
        assertSpeed(speed.syncSpeed(new Pace(10, 1, 50, 4.0)), 10, 4, 40);
    }
}
