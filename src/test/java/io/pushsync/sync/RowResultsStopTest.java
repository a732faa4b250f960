package io.pushsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.testsupport.ThingsDestination;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * "The vendor stopped the batch" ({@link RowResults#stop}): the first stop wins, rows already with an outcome keep
 * it, every other row fails with the stop when the batch ends ({@link AdapterRun}), and the stop stays readable.
 */
class RowResultsStopTest {

    private static final RowError AUTH = RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, "Vendor answered 401");
    private static final RowError NOT_FOUND = RowError.of(ErrorCode.DESTINATION_NOT_FOUND, "Vendor answered 404");
    private static final RowError REJECTED = RowError.of(ErrorCode.REJECTED_BY_DESTINATION, "bad row");

    private static RowResults results(int rows) {
        return new RowResults(IntStream.range(0, rows).mapToObj(i -> "r" + i).toList());
    }

    /** Runs {@code sync} as an adapter over rows {@code 0..rows-1} the way a batch and a job do. */
    private static boolean run(RowResults results, Consumer<RowResults> sync) {
        Destination destination = new ThingsDestination("stopping") {
            @Override
            public void sync(SyncRequest request, Deadline deadline, RowResults r) {
                sync.accept(r);
            }
        };
        List<SyncRow> rows = IntStream.range(0, results.total())
                .mapToObj(i -> new SyncRow(i, "r" + i, null, Map.of())).toList();
        SyncRequest request = new SyncRequest("stopping", "s", "b", null, "things", "upsert", null, rows);
        return AdapterRun.sync(destination, request, Deadline.after(Duration.ofMinutes(1)), results, "batch",
                "batch b");
    }

    @Test
    void aBatchNobodyStoppedHasNoStop() {
        RowResults results = results(3);

        assertThat(results.stopped()).isEmpty();
        assertThat(results.isStopped()).isFalse();
    }

    @Test
    void theFirstStopWinsAndStaysReadable() {
        RowResults results = results(3);

        assertThat(results.stop(AUTH)).isTrue();
        assertThat(results.stop(NOT_FOUND)).isFalse();

        assertThat(results.isStopped()).isTrue();
        assertThat(results.stopped()).contains(AUTH);
        assertThat(results.done()).as("a stop alone decides no row").isZero();
    }

    @Test
    void whenTheBatchEndsEveryRowWithoutAnOutcomeFailsWithTheStopAndTheOthersKeepTheirs() {
        RowResults results = results(5);

        boolean clean = run(results, r -> {
            r.succeeded(0);
            r.accepted(1, "task-1");
            r.failed(2, REJECTED);
            r.stop(AUTH);
            r.stop(NOT_FOUND);
            r.succeeded(3); // an answer already on its way when the batch stopped still counts
        });

        assertThat(clean).as("a stop is the vendor's verdict, not an internal error").isTrue();
        assertThat(results.get(0).status()).isEqualTo(RowStatus.SUCCEEDED);
        assertThat(results.get(1).status()).isEqualTo(RowStatus.ACCEPTED);
        assertThat(results.get(2).error()).isEqualTo(REJECTED);
        assertThat(results.get(3).status()).isEqualTo(RowStatus.SUCCEEDED);
        assertThat(results.get(4).status()).isEqualTo(RowStatus.FAILED);
        assertThat(results.get(4).error()).isEqualTo(AUTH);
        assertThat(results.done()).isEqualTo(5);
        assertThat(results.stopped()).as("readable after the batch ended").contains(AUTH);
    }

    @Test
    void aStopOutranksAnExceptionThatFollowsIt() {
        RowResults results = results(2);

        boolean clean = run(results, r -> {
            r.stop(AUTH);
            throw new IllegalStateException("a worker failed after the stop");
        });

        assertThat(clean).isFalse();
        assertThat(results.get(0).error()).isEqualTo(AUTH);
        assertThat(results.get(1).error()).isEqualTo(AUTH);
    }

    @Test
    void ofStopsFromManyThreadsExactlyOneWinsAndItIsTheOneRead() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 50; round++) {
                RowResults results = results(1);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> stops = IntStream.range(0, 8).mapToObj(i -> threads.submit(() -> {
                    go.await();
                    return results.stop(RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, "stop " + i));
                })).toList();
                go.countDown();
                int won = 0;
                String winner = null;
                for (int i = 0; i < stops.size(); i++) {
                    if (stops.get(i).get()) {
                        won++;
                        winner = "stop " + i;
                    }
                }
                assertThat(won).isEqualTo(1);
                assertThat(results.stopped().orElseThrow().message()).isEqualTo(winner);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
