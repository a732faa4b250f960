package io.pushsync.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The time budget of one batch. */
public final class Deadline {

    private final Clock clock;
    private final Instant expiresAt;

    private Deadline(Clock clock, Instant expiresAt) {
        this.clock = clock;
        this.expiresAt = expiresAt;
    }

    public static Deadline after(Duration budget, Clock clock) {
        return new Deadline(clock, clock.instant().plus(budget));
    }

    public static Deadline after(Duration budget) {
        return after(budget, Clock.systemUTC());
    }

    public Duration remaining() {
        Duration d = Duration.between(clock.instant(), expiresAt);
        return d.isNegative() ? Duration.ZERO : d;
    }

    public boolean isExpired() {
        return remaining().isZero();
    }

    @Override
    public String toString() {
        return "Deadline[" + expiresAt + "]";
    }
}
