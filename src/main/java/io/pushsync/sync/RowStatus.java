package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum RowStatus {
    SUCCEEDED, ACCEPTED, FAILED, SKIPPED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
