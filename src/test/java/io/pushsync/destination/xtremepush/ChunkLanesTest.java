package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The lane of an account: how many chunks are in flight, and which profile identifiers they hold. */
class ChunkLanesTest {

    private final Deadline later = Deadline.after(Duration.ofMinutes(1));

    /**
     * Enters on another thread and returns once that thread waits (in the lane, or anywhere: then the assertions
     * that it has not entered fail); the future completes when the lane let the chunk in or refused it.
     */
    private static CompletableFuture<Boolean> enterLater(ChunkLanes.Lane lane, List<String> ids, Deadline deadline,
            BooleanSupplier giveUp) {
        AtomicReference<Thread> entering = new AtomicReference<>();
        CompletableFuture<Boolean> entered = CompletableFuture.supplyAsync(() -> {
            entering.set(Thread.currentThread());
            try {
                return lane.enter(ids, deadline, giveUp);
            } catch (InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        await().until(() -> entered.isDone() || (entering.get() != null
                && entering.get().getState() == Thread.State.TIMED_WAITING));
        return entered;
    }

    private CompletableFuture<Boolean> enterLater(ChunkLanes.Lane lane, List<String> ids) {
        return enterLater(lane, ids, later, () -> false);
    }

    @Test
    void aLaneAdmitsUpToItsLimitThenTheNextChunkWaitsForOneToLeave() throws Exception {
        ChunkLanes.Lane lane = new ChunkLanes.Lane(2);
        assertThat(lane.enter(List.of("a"), later, () -> false)).isTrue();
        assertThat(lane.enter(List.of("b"), later, () -> false)).isTrue();

        CompletableFuture<Boolean> third = enterLater(lane, List.of("c"));

        assertThat(third).isNotDone();
        assertThat(lane.inFlight()).isEqualTo(2);
        lane.leave(List.of("a"));
        assertThat(third.get()).isTrue();
        assertThat(lane.inFlight()).isEqualTo(2);
    }

    @Test
    void aChunkSharingAnIdentifierWithOneInFlightWaitsUntilThatOneLeaves() throws Exception {
        ChunkLanes.Lane lane = new ChunkLanes.Lane(10);
        List<String> first = List.of("u-1", "u-2");
        assertThat(lane.enter(first, later, () -> false)).isTrue();

        CompletableFuture<Boolean> overlapping = enterLater(lane, List.of("u-3", "u-2"));
        // a chunk without a shared identifier is not held back: the limit is not what holds the other one
        assertThat(lane.enter(List.of("u-4"), later, () -> false)).isTrue();

        assertThat(overlapping).isNotDone();
        lane.leave(first);
        assertThat(overlapping.get()).isTrue();
        lane.leave(List.of("u-3", "u-2"));
        lane.leave(List.of("u-4"));
        assertThat(lane.inFlight()).isZero();
        assertThat(lane.identifiersHeld()).as("only chunks in flight hold identifiers").isZero();
    }

    @Test
    void waitingChunksGoInTheOrderTheyAsked() throws Exception {
        ChunkLanes.Lane lane = new ChunkLanes.Lane(1);
        assertThat(lane.enter(List.of("a"), later, () -> false)).isTrue();
        CompletableFuture<Boolean> b = enterLater(lane, List.of("b"));
        CompletableFuture<Boolean> c = enterLater(lane, List.of("c"));
        CompletableFuture<Boolean> d = enterLater(lane, List.of("d"));

        lane.leave(List.of("a"));
        assertThat(b.get()).isTrue();
        Thread.sleep(250); // a few polls of the others: the place is taken, none of them may pass
        assertThat(c).isNotDone();
        assertThat(d).isNotDone();
        lane.leave(List.of("b"));
        assertThat(c.get()).isTrue();
        assertThat(d).isNotDone();
        lane.leave(List.of("c"));
        assertThat(d.get()).isTrue();
    }

    @Test
    void aLaterChunkOfTheSameProfilesNeverPassesAWaitingOneButAnUnrelatedChunkDoes() throws Exception {
        ChunkLanes.Lane lane = new ChunkLanes.Lane(10);
        assertThat(lane.enter(List.of("u-1"), later, () -> false)).isTrue();
        CompletableFuture<Boolean> first = enterLater(lane, List.of("u-1", "u-2"));
        // shares nothing with the chunk in flight, but u-2 with the chunk that asked before it
        CompletableFuture<Boolean> second = enterLater(lane, List.of("u-2"));
        assertThat(lane.enter(List.of("u-9"), later, () -> false)).as("an unrelated chunk passes").isTrue();
        Thread.sleep(250);
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        lane.leave(List.of("u-1"));
        assertThat(first.get()).isTrue();
        Thread.sleep(250);
        assertThat(second).as("u-2 is in flight with the first").isNotDone();
        lane.leave(List.of("u-1", "u-2"));
        assertThat(second.get()).isTrue();
    }

    @Test
    void onlyTheFirstWaitingChunksMayPassThoseHeldBackByAnOverlap() throws Exception {
        ChunkLanes.Lane lane = new ChunkLanes.Lane(10);
        assertThat(lane.enter(List.of("u-1"), later, () -> false)).isTrue();
        List<CompletableFuture<Boolean>> held = new java.util.ArrayList<>();
        for (int i = 0; i < ChunkLanes.Lane.LOOK_AHEAD; i++) {
            held.add(enterLater(lane, List.of("u-1", "v-" + i))); // each shares u-1 with the chunk in flight
        }
        // unrelated, but behind LOOK_AHEAD waiting chunks: it waits for its turn
        CompletableFuture<Boolean> farBack = enterLater(lane, List.of("w-1"));
        Thread.sleep(250);
        assertThat(farBack).isNotDone();
        assertThat(held).noneMatch(CompletableFuture::isDone);

        lane.leave(List.of("u-1"));
        assertThat(held.get(0).get()).isTrue(); // the first goes; the others share u-1 with it
        assertThat(farBack.get()).as("now among the first waiting, and unrelated").isTrue();
        for (int i = 0; i < held.size(); i++) {
            lane.leave(List.of("u-1", "v-" + i));
            if (i + 1 < held.size()) {
                assertThat(held.get(i + 1).get()).isTrue();
            }
        }
    }

    @Test
    void aWaitingChunkGivesUpWhenItsBatchStopsOrItsBudgetEnds() throws Exception {
        ChunkLanes.Lane lane = new ChunkLanes.Lane(1);
        assertThat(lane.enter(List.of("a"), later, () -> false)).isTrue();
        AtomicBoolean batchStopped = new AtomicBoolean();

        CompletableFuture<Boolean> waiting = enterLater(lane, List.of("b"), later, batchStopped::get);
        assertThat(waiting).isNotDone();
        batchStopped.set(true);
        assertThat(waiting.get()).isFalse();

        Deadline cancelled = Deadline.after(Duration.ofMinutes(1));
        CompletableFuture<Boolean> cancelledWhileWaiting = enterLater(lane, List.of("c"), cancelled, () -> false);
        assertThat(cancelledWhileWaiting).isNotDone();
        cancelled.stop(RowError.of(ErrorCode.CANCELLED, "the job was cancelled"));
        assertThat(cancelledWhileWaiting.get()).isFalse();

        assertThat(lane.inFlight()).isEqualTo(1);
        lane.leave(List.of("a"));
        assertThat(lane.enter(List.of("d"), Deadline.after(Duration.ZERO), () -> false))
                .as("an ended budget admits nothing, even to a free lane").isFalse();
    }

    @Test
    void theBatchesOfOneAccountShareItsLaneAndOtherAccountsHaveTheirOwn() {
        ChunkLanes lanes = new ChunkLanes(properties(Map.of()));
        try {
            ChunkLanes.Lane lane = lanes.lane("xtremepush-aaaa");
            assertThat(lanes.lane("xtremepush-aaaa")).isSameAs(lane);
            assertThat(lanes.lane("xtremepush-bbbb")).isNotSameAs(lane);
        } finally {
            lanes.destroy();
        }
    }

    @Test
    void chunksInFlightDefaultsToTwoAndMustBeAtLeastOne() {
        assertThat(properties(Map.of()).chunksInFlight()).isEqualTo(2);
        assertThat(properties(Map.of("pushsync.xtremepush.chunks-in-flight", "1")).chunksInFlight()).isEqualTo(1);
        assertThatThrownBy(() -> properties(Map.of("pushsync.xtremepush.chunks-in-flight", "0")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessage("pushsync.xtremepush.chunks-in-flight must be at least 1, was 0");
    }

    private static XtremepushProperties properties(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("pushsync.xtremepush", XtremepushProperties.class);
    }
}
