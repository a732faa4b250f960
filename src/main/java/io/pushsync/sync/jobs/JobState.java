package io.pushsync.sync.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The life of a job. {@code queued} and {@code running} are live; the others are final. {@code interrupted} (an
 * addition to the contract's four states) means the replica running the job stopped before it finished: rows
 * without a confirmed outcome fail {@code interrupted} (retryable). A job never shows as completed unless it did.
 */
public enum JobState {
    QUEUED, RUNNING, COMPLETED, CANCELLED, INTERRUPTED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }

    public static JobState fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
