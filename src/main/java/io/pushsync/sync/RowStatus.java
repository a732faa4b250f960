package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum RowStatus {
    SUCCEEDED, ACCEPTED, FAILED, SKIPPED,
    /** A dry run's row: it would be sent ({@link RowResult#action()} says how); nothing was. */
    PLANNED;

    /** The name on the wire, made once (an answer writes one per row). */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
