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
}
