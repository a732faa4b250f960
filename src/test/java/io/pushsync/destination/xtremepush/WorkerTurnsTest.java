package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The order in which waiting chunks get a worker: accounts take turns, an idle account comes in at the clock. */
class WorkerTurnsTest {

    private final WorkerTurns turns = new WorkerTurns();
    private final List<String> ran = new ArrayList<>();

    @Test
    void accountsWithChunksWaitingTakeTurnsOneChunkEach() {
        ChunkLanes.Lane busy = new ChunkLanes.Lane(2);
        ChunkLanes.Lane other = new ChunkLanes.Lane(2);
        PriorityQueue<WorkerTurns.Turn> queue = new PriorityQueue<>();
        for (int i = 1; i <= 4; i++) {
            queue.add(turn(busy, "busy-" + i));
        }
        for (int i = 1; i <= 2; i++) {
            queue.add(turn(other, "other-" + i));
        }
        drain(queue);
        assertThat(ran).containsExactly("busy-1", "other-1", "busy-2", "other-2", "busy-3", "busy-4");
    }

    @Test
    void anIdleAccountComesInAtTheClockAheadOfWhatBusyAccountsQueuedFurtherOn() {
        ChunkLanes.Lane busy = new ChunkLanes.Lane(2);
        PriorityQueue<WorkerTurns.Turn> queue = new PriorityQueue<>();
        for (int i = 1; i <= 6; i++) {
            queue.add(turn(busy, "busy-" + i));
        }
        queue.poll().run(); // busy-1 taken: the clock is at its due
        queue.poll().run();
        assertThat(turns.clock()).isEqualTo(2);

        ChunkLanes.Lane small = new ChunkLanes.Lane(2);
        queue.add(turn(small, "small-1"));
        drain(queue);
        assertThat(ran).as("due 3, as busy-3, which came first; ahead of busy-4 to busy-6")
                .containsExactly("busy-1", "busy-2", "busy-3", "small-1", "busy-4", "busy-5", "busy-6");
    }

    @Test
    void anAccountGainsNoCreditForHavingBeenIdle() {
        ChunkLanes.Lane early = new ChunkLanes.Lane(2);
        ChunkLanes.Lane late = new ChunkLanes.Lane(2);
        PriorityQueue<WorkerTurns.Turn> queue = new PriorityQueue<>();
        for (int i = 1; i <= 5; i++) {
            queue.add(turn(early, "early-" + i));
        }
        for (int i = 0; i < 3; i++) {
            queue.poll().run();
        }
        for (int i = 1; i <= 3; i++) {
            queue.add(turn(late, "late-" + i));
        }
        drain(queue);
        assertThat(ran).as("late starts at the clock (3), then alternates with early: no three in a row")
                .containsExactly("early-1", "early-2", "early-3", "early-4", "late-1", "early-5", "late-2", "late-3");
    }

    @Test
    void aPoolOfBusyWorkersGivesTheNextFreeOneToTheIdleAccountFirst() throws Exception {
        ThreadPoolExecutor workers = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new PriorityBlockingQueue<>());
        try {
            ChunkLanes.Lane busy = new ChunkLanes.Lane(2);
            ChunkLanes.Lane small = new ChunkLanes.Lane(2);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch blocker = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(5);
            List<String> order = new CopyOnWriteArrayList<>();
            workers.execute(turns.turn(busy, () -> {
                started.countDown();
                await(blocker);
                order.add("busy-1");
                done.countDown();
            }));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue(); // the only worker is busy, the clock at 1
            for (int i = 2; i <= 4; i++) {
                String name = "busy-" + i;
                workers.execute(turns.turn(busy, () -> {
                    order.add(name);
                    done.countDown();
                }));
            }
            workers.execute(turns.turn(small, () -> {
                order.add("small-1");
                done.countDown();
            }));
            blocker.countDown();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("busy-1", "busy-2", "small-1", "busy-3", "busy-4");
        } finally {
            workers.shutdownNow();
        }
    }

    private WorkerTurns.Turn turn(ChunkLanes.Lane lane, String name) {
        return turns.turn(lane, () -> ran.add(name));
    }

    private static void drain(PriorityQueue<WorkerTurns.Turn> queue) {
        while (!queue.isEmpty()) {
            queue.poll().run();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
