package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum RowStatus {
    SUCCEEDED, ACCEPTED, FAILED, SKIPPED,
    /** A dry run's row: it would be sent ({@link RowResult#action()} says how); nothing was. */
    PLANNED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
