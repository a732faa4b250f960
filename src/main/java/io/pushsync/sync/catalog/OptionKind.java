package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum OptionKind {
    POSITIVE_INTEGER, STRING, ENUM, BOOLEAN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
