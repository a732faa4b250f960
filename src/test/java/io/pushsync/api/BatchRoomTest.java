package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The room in memory that concurrent batches share: first come, first served, small bodies pass and have a reserve,
 * bounded waits.
 */
class BatchRoomTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private CompletableFuture<BatchRoom.Taken> takeLater(BatchRoom room, long bytes) {
        return CompletableFuture.supplyAsync(() -> room.take(bytes), threads);
    }

    /** Waits until {@code n} batches are waiting for room (the room's own queue). */
    private static void awaitWaiting(BatchRoom room, int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (room.waiting() < n) {
            assertThat(System.nanoTime()).as("%d batches waiting", n).isLessThan(until);
            Thread.sleep(5);
        }
    }

    // a room of 6,400 bytes: 800 kept for small bodies (at most 100 bytes each), 5,600 for any body

    @Test
    void batchesShareTheRoomAndGiveItBack() {
        BatchRoom room = new BatchRoom(6400, 6400, Duration.ofSeconds(5));
        BatchRoom.Taken a = room.take(4000);
        BatchRoom.Taken b = room.take(1600);
        assertThat(room.held()).isEqualTo(5600);
        a.close();
        a.close(); // given back once
        assertThat(room.held()).isEqualTo(1600);
        b.close();
        assertThat(room.held()).isZero();
    }

    @Test
    void aBatchWaitsForRoomThenGoesWhenItIsGivenBack() throws Exception {
        BatchRoom room = new BatchRoom(6400, 6400, Duration.ofSeconds(10));
        BatchRoom.Taken first = room.take(5000);
        CompletableFuture<BatchRoom.Taken> second = takeLater(room, 1000); // 600 free: the reserve is not its
        awaitWaiting(room, 1);
        assertThat(second).isNotDone();
        first.close();
        second.get(10, TimeUnit.SECONDS).close();
        assertThat(room.held()).isZero();
    }

    @Test
    void aLargerBatchLaterInLineWaitsBehindTheFirstEvenWhenItWouldFit() throws Exception {
        BatchRoom room = new BatchRoom(6400, 6400, Duration.ofSeconds(10));
        BatchRoom.Taken running = room.take(4000); // 1,600 free
        CompletableFuture<BatchRoom.Taken> big = takeLater(room, 5000);
        awaitWaiting(room, 1);
        CompletableFuture<BatchRoom.Taken> medium = takeLater(room, 1500); // fits, but is not small (> 100)
        awaitWaiting(room, 2);
        Thread.sleep(100);
        assertThat(medium).as("first come, first served").isNotDone();
        running.close();
        big.get(10, TimeUnit.SECONDS).close();
        medium.get(10, TimeUnit.SECONDS).close();
        assertThat(room.held()).isZero();
    }

    @Test
    void aSmallBatchPassesWaitingOnesWhenItFitsInWhatIsFree() throws Exception {
        BatchRoom room = new BatchRoom(6400, 6400, Duration.ofSeconds(10));
        BatchRoom.Taken running = room.take(4000);
        CompletableFuture<BatchRoom.Taken> big = takeLater(room, 5000);
        awaitWaiting(room, 1);
        BatchRoom.Taken small = room.take(6400 / BatchRoom.SMALL_SHARE); // at once, on this thread
        assertThat(room.held()).isEqualTo(4000 + 100);
        assertThat(big).isNotDone();
        small.close();
        running.close();
        big.get(10, TimeUnit.SECONDS).close();
    }

    @Test
    void aBodyLargerThanTheRoomTakesAllButTheReserveAndSmallBodiesStillGo() throws Exception {
        BatchRoom room = new BatchRoom(6400, 6400, Duration.ofSeconds(10));
        BatchRoom.Taken huge = room.take(1_000_000);
        assertThat(room.held()).isEqualTo(5600);
        CompletableFuture<BatchRoom.Taken> medium = takeLater(room, 101);
        awaitWaiting(room, 1);
        List<BatchRoom.Taken> smalls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            smalls.add(room.take(100)); // the reserve holds eight at once, without waiting for the huge one
        }
        assertThat(room.held()).isEqualTo(6400);
        CompletableFuture<BatchRoom.Taken> ninth = takeLater(room, 100);
        awaitWaiting(room, 2);
        smalls.remove(0).close();
        ninth.get(10, TimeUnit.SECONDS).close();
        assertThat(medium).as("not small: it waits for the huge one").isNotDone();
        huge.close();
        medium.get(10, TimeUnit.SECONDS).close();
        smalls.forEach(BatchRoom.Taken::close);
        assertThat(room.held()).isZero();
    }

    @Test
    void aBodyOfUnknownLengthTakesRoomForTheLargestBodyAllowed() {
        BatchRoom room = new BatchRoom(6400, 3000, Duration.ofSeconds(5));
        BatchRoom.Taken chunked = room.take(-1);
        assertThat(room.held()).isEqualTo(3000);
        chunked.close();
    }

    @Test
    void aBatchThatFindsNoRoomInTimeIsRefusedAndHoldsNothing() {
        BatchRoom room = new BatchRoom(6400, 6400, Duration.ofMillis(200));
        BatchRoom.Taken running = room.take(5000);
        assertThatThrownBy(() -> room.take(1000)).isInstanceOf(BatchRoomFullException.class)
                .hasMessageContaining("pushsync.batch.memory-wait")
                .hasMessageContaining("pushsync.batch.max-bytes-in-memory");
        assertThat(room.held()).isEqualTo(5000);
        assertThat(room.waiting()).isZero();
        running.close();
        room.take(5600).close();
    }
}
