package io.pushsync.destination.xtremepush;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The order in which admitted chunks get a worker when every worker is busy: fair between accounts (start-time fair
 * queuing, one unit a chunk), not first come, first served.
 *
 * <p>Each account's chunks are numbered on a virtual clock: a chunk is due one unit after the later of the clock
 * and the account's previous chunk, and the clock is the due of the last chunk a worker took. So accounts with chunks
 * waiting take turns, one chunk each: every account's first waiting chunk goes before any account's second. An
 * account that has been idle (a small batch) comes in at the clock, so it waits for at most one chunk of each busy
 * account (their lanes admit {@code chunks-in-flight} each, 2 by default) instead of every chunk they admitted before
 * it; it gains no credit for having been idle. Equal dues go in the order the chunks came. Only the order of waiting
 * chunks changes: how many an account has in flight, and which of its chunks may go together, is still its
 * {@link ChunkLanes.Lane}'s rule.
 */
final class WorkerTurns {

    /** The due of the last chunk a worker took. */
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong arrivals = new AtomicLong();

    /** {@code work}, the next chunk of {@code lane}, as a turn: its place among the turns waiting. */
    Turn turn(ChunkLanes.Lane lane, Runnable work) {
        long due = lane.nextDue(clock.get());
        return new Turn(due, arrivals.getAndIncrement(), work);
    }

    /** The virtual clock: the due of the last turn taken. */
    long clock() {
        return clock.get();
    }

    /** One chunk waiting for a worker; earlier due first, then earlier arrival. */
    final class Turn implements Runnable, Comparable<Turn> {
        private final long due;
        private final long arrival;
        private final Runnable work;

        private Turn(long due, long arrival, Runnable work) {
            this.due = due;
            this.arrival = arrival;
            this.work = work;
        }

        @Override
        public void run() {
            clock.accumulateAndGet(due, Math::max);
            work.run();
        }

        @Override
        public int compareTo(Turn other) {
            int byDue = Long.compare(due, other.due);
            return byDue != 0 ? byDue : Long.compare(arrival, other.arrival);
        }
    }
}
