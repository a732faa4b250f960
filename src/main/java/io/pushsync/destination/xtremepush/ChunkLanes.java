package io.pushsync.destination.xtremepush;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.RowResults;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Where profile chunks wait for their turn: one {@link Lane} per app token, shared by every batch of the token in this
 * replica, and the worker threads that deliver the chunks. An admitted chunk that finds every worker busy waits for
 * one in {@link WorkerTurns}' order: accounts take turns, so a small batch waits for at most one chunk of each busier
 * account, not for every chunk they admitted before it.
 *
 * <p>A lane is held weakly: it lives while a batch of its account is running (the batch's {@link ChunkPipeline} holds
 * it) and is collected after. An expiring or size-bounded map, as for the accounts' rate limiters, could drop a
 * lane with chunks in flight and give the account a second, empty one.
 */
@Component
class ChunkLanes implements DisposableBean {

    /** Worker threads per configured chunk in flight: that many accounts can import at full pace at once. */
    static final int WORKERS_PER_CHUNK_IN_FLIGHT = 8;

    private final int chunksInFlight;
    private final Cache<String, Lane> lanes = Caffeine.newBuilder().weakValues().build();
    private final ThreadPoolExecutor workers;
    private final WorkerTurns turns = new WorkerTurns();

    ChunkLanes(XtremepushProperties properties) {
        this.chunksInFlight = properties.chunksInFlight();
        int threads = WORKERS_PER_CHUNK_IN_FLIGHT * chunksInFlight;
        AtomicInteger count = new AtomicInteger();
        // a pool of its own: a shared one (Reactor's boundedElastic) also runs the Redis rate-limit calls that these
        // blocking deliveries wait for. Chunks waiting for a worker take turns by account (WorkerTurns): only turns
        // are queued, so the queue orders them
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new PriorityBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "xtremepush-chunk-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
    }

    /** The pipeline of one batch of {@code account}; {@code delivered} gets the requests each chunk cost. */
    ChunkPipeline pipeline(String account, Deadline deadline, RowResults results, IntConsumer delivered) {
        Lane lane = lane(account);
        return new ChunkPipeline(lane, work -> workers.execute(turns.turn(lane, work)), deadline, results, delivered);
    }

    /** The account's lane: the one its running batches hold, or a new one. */
    Lane lane(String account) {
        return lanes.get(account, a -> new Lane(chunksInFlight));
    }

    @Override
    public void destroy() {
        workers.shutdown(); // chunks under way finish; their batches wait for them
    }

    /**
     * The chunks of one account in flight: at most {@code limit}, and never two with a profile identifier in common
     * (the vendor's advice against overlapping imports of the same profiles). Waiting chunks go first come, first
     * served, whichever batch they belong to: when a place frees, the earliest chunk that shares no profile with a
     * chunk in flight or with an earlier waiting chunk takes it. So a chunk held back by an overlap lets later,
     * unrelated chunks pass, but no later chunk of the same profiles, and no chunk waits for ever behind later ones:
     * two updates of one profile reach the vendor in the order they arrived. Only in-flight chunks' identifiers are
     * held.
     */
    static final class Lane {

        /** How often a waiting chunk looks at its batch's budget, which can be stopped (cancel) without notice. */
        private static final Duration POLL = Duration.ofMillis(100);
        /**
         * How many of the waiting chunks, from the first, may go when a place frees: a chunk further back waits for
         * its turn even when it shares nothing with those ahead. Bounds what each look costs (the identifiers of
         * the chunks ahead), whatever the number of batches of one account waiting together.
         */
        static final int LOOK_AHEAD = 4;

        private final int limit;
        private final Set<String> identifiers = new HashSet<>();
        /** The chunks waiting, in the order they asked. */
        private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
        private int inFlight;
        /** The due of this account's latest turn for a worker ({@link WorkerTurns}). */
        private long lastDue;

        Lane(int limit) {
            this.limit = limit;
        }

        /**
         * Waits until the chunk may go ({@link #mayGo}), then takes its place. Returns false, without taking one, as
         * soon as {@code giveUp} says so or the budget has ended.
         */
        synchronized boolean enter(Collection<String> chunkIdentifiers, Deadline deadline, BooleanSupplier giveUp)
                throws InterruptedException {
            Waiting me = new Waiting(chunkIdentifiers);
            waiting.addLast(me);
            try {
                while (true) {
                    if (giveUp.getAsBoolean() || deadline.isExpired()) {
                        return false;
                    }
                    if (mayGo(me)) {
                        inFlight++;
                        identifiers.addAll(chunkIdentifiers);
                        return true;
                    }
                    wait(Math.max(1, Math.min(POLL.toMillis(), deadline.remaining().toMillis())));
                }
            } finally {
                waiting.remove(me);
                notifyAll(); // the next in line may go now
            }
        }

        /** The chunk has finished: its place and its identifiers are free. */
        synchronized void leave(Collection<String> chunkIdentifiers) {
            inFlight--;
            for (String id : chunkIdentifiers) {
                identifiers.remove(id);
            }
            notifyAll();
        }

        /** The due of this account's next turn: one unit after the later of {@code clock} and its latest one. */
        synchronized long nextDue(long clock) {
            lastDue = Math.max(clock, lastDue) + 1;
            return lastDue;
        }

        synchronized int inFlight() {
            return inFlight;
        }

        synchronized int identifiersHeld() {
            return identifiers.size();
        }

        /**
         * Whether the waiting chunk {@code me} goes now: there is a place, it is among the first {@link #LOOK_AHEAD}
         * waiting, it shares no identifier with a chunk in flight, and no chunk that asked before it could go now or
         * shares an identifier with it.
         */
        private boolean mayGo(Waiting me) {
            if (inFlight >= limit || overlaps(identifiers, me.ids)) {
                return false;
            }
            if (waiting.peekFirst() == me) {
                return true;
            }
            Set<String> before = new HashSet<>();
            int ahead = 0;
            for (Waiting earlier : waiting) {
                if (earlier == me) {
                    return !overlaps(before, me.ids);
                }
                if (++ahead >= LOOK_AHEAD) {
                    return false; // too far back: it waits for its turn
                }
                if (!overlaps(identifiers, earlier.ids) && !overlaps(before, earlier.ids)) {
                    return false; // it goes first (it is woken too)
                }
                before.addAll(earlier.ids);
            }
            throw new IllegalStateException("a chunk asked to go without waiting");
        }

        private static boolean overlaps(Set<String> held, Collection<String> chunkIdentifiers) {
            if (held.isEmpty()) {
                return false;
            }
            for (String id : chunkIdentifiers) {
                if (held.contains(id)) {
                    return true;
                }
            }
            return false;
        }

        /** A chunk in the line (compared by identity: two chunks of equal identifiers are two places in it). */
        private static final class Waiting {
            final Collection<String> ids;

            Waiting(Collection<String> ids) {
                this.ids = ids;
            }
        }
    }
}
