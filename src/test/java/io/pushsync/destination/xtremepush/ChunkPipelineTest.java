package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The chunks of one batch through its pipeline, with rows {@code 0..5} in chunks of two and senders played by the
 * test: what a stop, an exception or the end of the budget does to the chunks in flight and to those not yet sent.
 */
class ChunkPipelineTest {

    private static final RowIsolation.Outcome CONFIRMED = new RowIsolation.Confirmed(false, null);
    private static final RowError AUTH = RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, "Xtremepush answered 401");

    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final RowResults results = new RowResults(IntStream.range(0, 6).mapToObj(i -> "r" + i).toList());
    /** The first row of every chunk a sender was called for. */
    private final Set<Integer> sent = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stopWorkers() throws InterruptedException {
        workers.shutdownNow();
        assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private ChunkPipeline pipeline(int chunksInFlight, Deadline deadline) {
        return new ChunkPipeline(new ChunkLanes.Lane(chunksInFlight), workers, deadline, results, requests -> { });
    }

    private RowIsolation<Integer> delivery(Deadline deadline, Function<List<Integer>, RowIsolation.Outcome> vendor) {
        return new RowIsolation<>(rows -> {
            sent.add(rows.get(0));
            return vendor.apply(rows);
        }, row -> row, 64, deadline, results);
    }

    /** Submits rows 0..5 in chunks of two, each chunk identified by its rows, and returns whether all were taken. */
    private static boolean submitAll(ChunkPipeline pipeline, RowIsolation<Integer> delivery) {
        for (int from = 0; from < 6; from += 2) {
            List<Integer> chunk = List.of(from, from + 1);
            if (!pipeline.submit(delivery, chunk, chunk.stream().map(i -> "u-" + i).toList())) {
                return false;
            }
        }
        return true;
    }

    private RowStatus status(int row) {
        RowResult result = results.get(row);
        return result == null ? null : result.status();
    }

    @Test
    void aStopEndsTheSubmittingWhileTheChunkInFlightKeepsItsOutcome() {
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));
        ChunkPipeline pipeline = pipeline(2, deadline);
        CountDownLatch firstOnTheWire = new CountDownLatch(1);
        RowIsolation<Integer> delivery = delivery(deadline, rows -> {
            if (rows.get(0) == 2) {
                // the workers may start in either order: stop only once the first chunk is being sent
                await().until(() -> firstOnTheWire.await(0, TimeUnit.MILLISECONDS));
                return new RowIsolation.Stop(AUTH);
            }
            if (rows.get(0) == 0) {
                firstOnTheWire.countDown();
                await().until(pipeline::stopped); // still on the wire when the other chunk stops the batch
            }
            return CONFIRMED;
        });

        assertThat(submitAll(pipeline, delivery)).isFalse();

        pipeline.finish();
        assertThat(results.stopped()).contains(AUTH);
        assertThat(sent).containsExactlyInAnyOrder(0, 2);
        assertThat(status(0)).isEqualTo(RowStatus.SUCCEEDED);
        assertThat(status(1)).isEqualTo(RowStatus.SUCCEEDED);
        for (int row = 2; row < 6; row++) {
            assertThat(status(row)).as("row %d is left for the stop's error", row).isNull();
        }
    }

    @Test
    void anUnexpectedExceptionInAWorkerSurfacesOnTheBatchThreadAndEndsTheSubmitting() {
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));
        ChunkPipeline pipeline = pipeline(1, deadline);
        IllegalStateException bug = new IllegalStateException("a bug in a worker");
        RowIsolation<Integer> delivery = delivery(deadline, rows -> {
            throw bug;
        });

        assertThat(submitAll(pipeline, delivery)).isFalse();

        assertThatThrownBy(pipeline::finish).isSameAs(bug);
        assertThat(sent).containsExactly(0);
    }

    @Test
    void aChunkNotSentWhenTheBudgetIsStoppedFailsWithItsReasonWhileTheChunkInFlightKeepsItsOutcome() {
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));
        RowError cancelled = RowError.of(ErrorCode.CANCELLED, "the job was cancelled before this row was sent");
        CountDownLatch stopped = new CountDownLatch(1);
        ChunkPipeline pipeline = pipeline(1, deadline);
        RowIsolation<Integer> delivery = delivery(deadline, rows -> {
            deadline.stop(cancelled); // the cancel comes while this chunk is on the wire: its answer still counts
            stopped.countDown();
            return CONFIRMED;
        });

        assertThat(submitAll(pipeline, delivery)).isTrue();
        pipeline.finish();

        assertThat(stopped.getCount()).isZero();
        assertThat(sent).containsExactly(0);
        assertThat(status(0)).isEqualTo(RowStatus.SUCCEEDED);
        assertThat(status(1)).isEqualTo(RowStatus.SUCCEEDED);
        for (int row = 2; row < 6; row++) {
            assertThat(results.get(row).error()).as("row %d", row).isEqualTo(cancelled);
        }
    }

    @Test
    void workersLogWithTheBatchsContext() {
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        MDC.put("batchId", "b-42");
        ChunkPipeline pipeline;
        try {
            pipeline = pipeline(2, deadline);
        } finally {
            MDC.remove("batchId");
        }
        RowIsolation<Integer> delivery = delivery(deadline, rows -> {
            seen.add(String.valueOf(MDC.get("batchId")));
            return CONFIRMED;
        });

        assertThat(submitAll(pipeline, delivery)).isTrue();
        pipeline.finish();

        assertThat(seen).containsExactly("b-42");
        assertThat(results.done()).isEqualTo(6);
    }

    /**
     * A chunk admitted to the lane but still waiting for a worker (the shared pool busy) when another chunk stops the
     * batch is not sent: its rows stay without an outcome and fail with the stop's error.
     */
    @Test
    void aChunkWaitingForAWorkerWhenTheBatchStopsIsNotSent() {
        java.util.concurrent.BlockingQueue<Runnable> queued = new java.util.concurrent.LinkedBlockingQueue<>();
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));
        ChunkPipeline pipeline = new ChunkPipeline(new ChunkLanes.Lane(2), queued::add, deadline, results,
                requests -> { });
        RowIsolation<Integer> delivery = delivery(deadline, rows -> rows.get(0) == 0
                ? new RowIsolation.Stop(AUTH) : CONFIRMED);
        assertThat(pipeline.submit(delivery, List.of(0, 1), List.of("u-0", "u-1"))).isTrue();
        assertThat(pipeline.submit(delivery, List.of(2, 3), List.of("u-2", "u-3"))).isTrue();

        queued.poll().run(); // the first chunk: the vendor stops the batch
        queued.poll().run(); // the second one only now gets a worker

        assertThat(sent).containsExactly(0);
        pipeline.finish();
        assertThat(results.stopped()).contains(AUTH);
        assertThat(status(2)).isNull();
        assertThat(status(3)).isNull();
    }
}
