package io.pushsync.sync;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One validated input row. {@code index} is its position in the request; {@code fields} keeps the caller's order
 * and, unless {@code options.nulls} is {@code clear}, no null values.
 */
public record SyncRow(int index, String id, Change change, Map<String, JsonNode> fields) {

    /** Whether the row means "remove" in the given mode. */
    public boolean isRemoval(String mode) {
        return "remove".equals(mode) || ("mirror".equals(mode) && change == Change.REMOVED);
    }
}
