package io.pushsync.sync;

import java.util.Locale;

/** The diff status of a row, as the orchestrator computed it; meaningful in {@code mirror} mode. */
public enum Change {
    ADDED, CHANGED, REMOVED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Change fromWire(String s) {
        for (Change c : values()) {
            if (c.wireName().equals(s)) {
                return c;
            }
        }
        return null;
    }
}
