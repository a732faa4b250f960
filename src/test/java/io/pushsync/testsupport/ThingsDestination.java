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

    @Override
    public DestinationDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public ConnectionCheckResult checkConnection(Connection connection, Deadline deadline) {
        return ConnectionCheckResult.success();
    }
}
