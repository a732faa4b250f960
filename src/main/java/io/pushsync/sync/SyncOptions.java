package io.pushsync.sync;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The batch's {@code options}, already validated against the destination's catalog. */
public record SyncOptions(Map<String, JsonNode> values, NullHandling nulls) {

    public long longValue(String name) {
        JsonNode v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("option " + name + " is not set");
        }
        return v.longValue();
    }

    /** A string or enum option's value, {@code otherwise} when the batch does not set it. */
    public String string(String name, String otherwise) {
        JsonNode v = values.get(name);
        return v == null ? otherwise : v.stringValue();
    }

    /** A boolean option's value, {@code otherwise} when the batch does not set it. */
    public boolean bool(String name, boolean otherwise) {
        JsonNode v = values.get(name);
        return v == null ? otherwise : v.booleanValue();
    }
}
