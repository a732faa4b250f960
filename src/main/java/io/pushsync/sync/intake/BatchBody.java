package io.pushsync.sync.intake;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import io.pushsync.sync.RowFields;

/**
 * A batch or job request as read from the wire, before validation: everything but the rows as a small JSON tree,
 * and the rows in a compact form ({@link RawRow}, {@link RowFields}) instead of one large tree. Read by
 * {@link BatchBodyReader}.
 *
 * @param head the top-level properties except {@code rows}; null when the body is not a JSON object
 * @param rows the rows read (at most the reader's {@code keepRows}); null when {@code rows} is absent or not an array
 * @param rowCount how many rows the body has (all of them counted, also those beyond {@code keepRows})
 * @param digest SHA-256 of the body without insignificant whitespace: tells a replay from another payload
 */
public record BatchBody(ObjectNode head, List<RawRow> rows, int rowCount, byte[] digest) {

    /**
     * One element of {@code rows}, unchecked.
     *
     * @param object whether the element is a JSON object; when false the other components are null
     * @param id the {@code id} value as given, or null
     * @param change the {@code change} value as given, or null
     * @param fields {@code fields} when it is an object (null values included); null when absent or not an object;
     *     empty when it has more fields than the reader keeps, {@link RowFields#fieldsSent()} saying how many
     * @param unknown names of properties other than id, change and fields (at most a few are kept)
     */
    public record RawRow(boolean object, JsonNode id, JsonNode change, RowFields fields, List<String> unknown) {

        static final RawRow NOT_AN_OBJECT = new RawRow(false, null, null, null, List.of());
    }

    public boolean isObject() {
        return head != null;
    }
}
