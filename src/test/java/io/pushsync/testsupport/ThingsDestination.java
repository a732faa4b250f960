package io.pushsync.testsupport;

import io.pushsync.sync.Connection;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A destination for tests of the core: object type {@code things} (mode {@code upsert}, required field {@code name}),
 * one secret connection field {@code key}; every connection check succeeds. Subclasses say what {@code sync} does.
 */
public abstract class ThingsDestination implements Destination {

    private final DestinationDescriptor descriptor;

    protected ThingsDestination(String type) {
        this.descriptor = new DestinationDescriptor(type, type, List.of(ConnectionField.secret("key", "Key")),
                List.of(new ObjectTypeDescriptor("things", "Things", List.of("upsert"), List.of(),
                        List.of(RequiredField.of("name")), List.of("name"))));
    }

    /** A body for it: {@code rows} rows with ids {@code r0, r1, ...} and a {@code name} each. */
    public static ObjectNode body(String syncId, String batchId, int rows) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("syncId", syncId);
        body.put("batchId", batchId);
        body.putObject("connection").put("key", "k");
        body.put("objectType", "things");
        body.put("mode", "upsert");
        ArrayNode arr = body.putArray("rows");
        for (int i = 0; i < rows; i++) {
            ObjectNode row = arr.addObject();
            row.put("id", "r" + i);
            row.putObject("fields").put("name", "n" + i);
        }
        return body;
    }

    /**
     * A body as text, for hostile shapes: {@code rows} rows, row {@code r} with a {@code name} and {@code names - 1}
     * more names of its own ({@code r<r>f<i>}).
     */
    public static String distinctNamesBody(String syncId, String batchId, int rows, int names) {
        StringBuilder b = new StringBuilder(rows * names * 14 + 200);
        b.append("{\"syncId\":\"").append(syncId).append("\",\"batchId\":\"").append(batchId)
                .append("\",\"connection\":{\"key\":\"k\"},\"objectType\":\"things\",\"mode\":\"upsert\",\"rows\":[");
        for (int r = 0; r < rows; r++) {
            b.append(r == 0 ? "" : ",").append("{\"id\":\"row").append(r).append("\",\"fields\":{\"name\":\"n")
                    .append(r).append('"');
            for (int i = 1; i < names; i++) {
                b.append(",\"r").append(r).append('f').append(i).append("\":").append(i);
            }
            b.append("}}");
        }
        return b.append("]}").toString();
    }

    @Override
    public DestinationDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public ConnectionCheckResult checkConnection(Connection connection, Deadline deadline) {
        return ConnectionCheckResult.success();
    }
}
