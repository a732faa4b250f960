package io.pushsync.sync.intake;

import static io.pushsync.sync.intake.Violations.escape;

import io.pushsync.sync.Connection;
import io.pushsync.sync.NullHandling;
import io.pushsync.sync.SyncOptions;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.OptionDescriptor;
import io.pushsync.sync.connections.NamedConnection;
import io.pushsync.sync.connections.NamedConnections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The checks of a request's head against the destination's catalog: the top-level properties, {@code syncId} and
 * {@code batchId}, the connection (inline, or a named connection of the same type), the object type, its mode and
 * its options, and the number of rows. Every problem is a request problem ({@link Violations}).
 */
final class HeadChecks {

    static final String NULLS_OPTION = "nulls";
    static final String DRY_RUN = "dryRun";
    private static final int MAX_ID_LENGTH = 200;
    private static final Set<String> TOP_LEVEL =
            Set.of("syncId", "batchId", "connection", "connectionRef", "objectType", "mode", "options", "rows",
                    DRY_RUN);

    private final NamedConnections named;

    HeadChecks(NamedConnections named) {
        this.named = named;
    }

    /** The request-level checks; throws at once when there are no rows to check or too many. */
    RequestHead head(DestinationDescriptor destination, BatchBody body, int maxRows, String maxRowsKey,
            Violations v) {
        if (!body.isObject()) {
            throw notAnObject();
        }
        ObjectNode head = body.head();
        for (String name : head.propertyNames()) {
            if (!TOP_LEVEL.contains(name)) {
                v.add("/" + escape(name), "unknown property '" + name + "'; expected one of " + TOP_LEVEL);
            }
        }
        String syncId = identifier(head, "syncId", v);
        String batchId = identifier(head, "batchId", v);
        Connection connection = connectionOrRef(destination, head, v);
        ObjectTypeDescriptor objectType = objectType(destination, head.get("objectType"), v);
        String mode = objectType == null ? null : mode(objectType, head.get("mode"), v);
        SyncOptions options = objectType == null ? null : options(objectType, head.get("options"), v);
        if (options != null) {
            replaceTarget(objectType, mode, options, v);
        }
        boolean dryRun = dryRun(head.get(DRY_RUN), v);
        if (body.rows() == null) {
            v.add("/rows", "'rows' is required and must be an array of rows");
            throw v.exception();
        }
        if (body.rowCount() > maxRows) {
            throw new BatchTooLargeException(body.rowCount(), maxRows, maxRowsKey);
        }
        return new RequestHead(destination.type(), syncId, batchId, connection, objectType, mode, options,
                body.rowCount(), dryRun);
    }

    /** {@code dryRun}: absent, null or false for a real run, true for a dry run; anything else is a 400. */
    private static boolean dryRun(JsonNode n, Violations v) {
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            v.add("/" + DRY_RUN, "'" + DRY_RUN + "' must be true or false");
            return false;
        }
        return n.booleanValue();
    }

    /**
     * The option naming a replace target is required in replace mode; one that only replace reads (it fills a row
     * field, such as CleverPush's {@code tagId}) is refused in other modes rather than silently ignored.
     */
    private static void replaceTarget(ObjectTypeDescriptor o, String mode, SyncOptions options, Violations v) {
        if (o.replace() == null || mode == null) {
            return;
        }
        String option = o.replace().targetOption();
        boolean set = options.values().containsKey(option);
        if (ObjectTypeDescriptor.REPLACE.equals(mode)) {
            if (!set) {
                v.add("/options/" + escape(option), "option '" + option + "' is required in replace mode: it names "
                        + "the target whose whole audience the rows are");
            }
        } else if (set && o.replace().targetField() != null) {
            v.add("/options/" + escape(option), "option '" + option + "' is only read in replace mode (mode is "
                    + mode + "); name the " + o.replace().targetField() + " on each row instead");
        }
    }

    static InvalidBatchException notAnObject() {
        return new InvalidBatchException(List.of(new Violation("", "the request body must be a JSON object")));
    }

    /** Validates the body of a connection check: {@code {"connection": {...}}} or {@code {"connectionRef": "name"}}. */
    Connection connectionOnly(DestinationDescriptor destination, JsonNode body) {
        Violations v = new Violations();
        if (body == null || !body.isObject()) {
            throw notAnObject();
        }
        Connection c = connectionOrRef(destination, body, v);
        if (!v.isEmpty()) {
            throw v.exception();
        }
        return c;
    }

    /**
     * Validates the body naming a replace target ({@code DELETE .../snapshots}): {@code connection} or
     * {@code connectionRef}, an {@code objectType} that has a replace mode and its {@code options} as a replace
     * batch would carry them.
     *
     * @return a request of mode {@code replace} without rows
     */
    SyncRequest replaceTarget(DestinationDescriptor destination, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw notAnObject();
        }
        Violations v = new Violations();
        Set<String> allowed = Set.of("connection", "connectionRef", "objectType", "options");
        for (String name : body.propertyNames()) {
            if (!allowed.contains(name)) {
                v.add("/" + escape(name), "unknown property '" + name + "'; expected some of " + allowed);
            }
        }
        Connection connection = connectionOrRef(destination, body, v);
        ObjectTypeDescriptor objectType = objectType(destination, body.get("objectType"), v);
        SyncOptions options = null;
        if (objectType != null && objectType.replace() == null) {
            v.add("/objectType", "objectType " + objectType.name() + " has no replace mode, so no snapshot");
        } else if (objectType != null) {
            options = options(objectType, body.get("options"), v);
            if (options != null) {
                replaceTarget(objectType, ObjectTypeDescriptor.REPLACE, options, v);
            }
        }
        if (!v.isEmpty()) {
            throw v.exception();
        }
        return new SyncRequest(destination.type(), null, null, connection, objectType.name(),
                ObjectTypeDescriptor.REPLACE, options, List.of());
    }

    private static String identifier(JsonNode body, String name, Violations v) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            v.add("/" + name, "'" + name + "' is required");
            return null;
        }
        if (!n.isString() || n.stringValue().isBlank() || n.stringValue().length() > MAX_ID_LENGTH) {
            v.add("/" + name, "'" + name + "' must be a string of 1 to " + MAX_ID_LENGTH + " characters");
            return null;
        }
        return n.stringValue();
    }

    /** Exactly one of {@code connection} (inline) and {@code connectionRef} (a named connection of this type). */
    private Connection connectionOrRef(DestinationDescriptor d, JsonNode body, Violations v) {
        JsonNode inline = body.get("connection");
        JsonNode ref = body.get("connectionRef");
        boolean hasInline = inline != null && !inline.isNull();
        boolean hasRef = ref != null && !ref.isNull();
        if (hasInline && hasRef) {
            v.add("/connectionRef", "give either 'connection' or 'connectionRef', not both");
            return null;
        }
        if (!hasRef) {
            return connection(d, inline, v);
        }
        if (!ref.isString() || ref.stringValue().isBlank()) {
            v.add("/connectionRef", "'connectionRef' must be the name of a connection configured on the server");
            return null;
        }
        String name = ref.stringValue();
        NamedConnection c = named.find(name).orElse(null);
        if (c == null) {
            v.add("/connectionRef", "unknown connection '" + name + "'; configured: " + named.names());
            return null;
        }
        if (!c.type().equals(d.type())) {
            v.add("/connectionRef", "connection '" + name + "' is for " + c.type() + ", not " + d.type());
            return null;
        }
        return c.connection();
    }

    private static Connection connection(DestinationDescriptor d, JsonNode n, Violations v) {
        if (n == null || !n.isObject()) {
            v.add("/connection", "'connection' (or 'connectionRef', the name of a connection configured on the "
                    + "server) is required; 'connection' must be an object with "
                    + d.connection().stream().map(ConnectionField::name).toList());
            return null;
        }
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, io.pushsync.sync.Secret> secrets = new LinkedHashMap<>();
        for (String name : n.propertyNames()) {
            if (d.connection().stream().noneMatch(f -> f.name().equals(name))) {
                v.add("/connection/" + escape(name), "unknown connection field '" + name + "' for " + d.type());
            }
        }
        for (ConnectionField f : d.connection()) {
            JsonNode value = n.get(f.name());
            String pointer = "/connection/" + escape(f.name());
            if (value == null || value.isNull() || (value.isString() && value.stringValue().isBlank())) {
                if (f.required()) {
                    v.add(pointer, "connection field '" + f.name() + "' is required");
                }
                continue;
            }
            if (!value.isString()) {
                v.add(pointer, "connection field '" + f.name() + "' must be a string");
                continue;
            }
            String s = value.stringValue().trim();
            String problem = f.problem(s);
            if (problem != null) {
                v.add(pointer, "connection field '" + f.name() + "' " + problem);
                continue;
            }
            if (f.secret()) {
                secrets.put(f.name(), io.pushsync.sync.Secret.of(s));
            } else {
                plain.put(f.name(), s);
            }
        }
        Set<String> present = new java.util.HashSet<>();
        for (ConnectionField f : d.connection()) {
            JsonNode value = n.get(f.name());
            if (value != null && !value.isNull() && !(value.isString() && value.stringValue().isBlank())) {
                present.add(f.name());
            }
        }
        for (var problem : d.credentials().problems(present, name -> name)) {
            v.add(problem.field() == null ? "/connection" : "/connection/" + escape(problem.field()),
                    "connection: " + problem.message());
        }
        return new Connection(plain, secrets);
    }

    private static ObjectTypeDescriptor objectType(DestinationDescriptor d, JsonNode n, Violations v) {
        List<String> names = d.objectTypes().stream().map(ObjectTypeDescriptor::name).toList();
        if (n == null || !n.isString()) {
            v.add("/objectType", "'objectType' is required and must be one of " + names);
            return null;
        }
        return d.objectType(n.stringValue()).orElseGet(() -> {
            v.add("/objectType", "unknown objectType '" + n.stringValue() + "' for " + d.type() + "; one of " + names);
            return null;
        });
    }

    private static String mode(ObjectTypeDescriptor o, JsonNode n, Violations v) {
        if (n == null || !n.isString() || !o.modes().contains(n.stringValue())) {
            v.add("/mode", "'mode' must be one of " + o.modes() + " for objectType " + o.name());
            return null;
        }
        return n.stringValue();
    }

    private static SyncOptions options(ObjectTypeDescriptor o, JsonNode n, Violations v) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        NullHandling nulls = NullHandling.IGNORE;
        if (n != null && !n.isNull() && !n.isObject()) {
            v.add("/options", "'options' must be an object");
            return null;
        }
        if (n != null && n.isObject()) {
            for (String name : n.propertyNames()) {
                boolean known = NULLS_OPTION.equals(name) || o.options().stream().anyMatch(d -> d.name().equals(name));
                if (!known) {
                    v.add("/options/" + escape(name), "unknown option '" + name + "' for objectType " + o.name());
                }
            }
            JsonNode nullsNode = n.get(NULLS_OPTION);
            if (nullsNode != null && !nullsNode.isNull()) {
                if (nullsNode.isString() && "clear".equals(nullsNode.stringValue())) {
                    nulls = NullHandling.CLEAR;
                } else if (!nullsNode.isString() || !"ignore".equals(nullsNode.stringValue())) {
                    v.add("/options/nulls", "'nulls' must be \"ignore\" (default) or \"clear\"");
                }
            }
        }
        for (OptionDescriptor d : o.options()) {
            JsonNode value = n == null ? null : n.get(d.name());
            String pointer = "/options/" + escape(d.name());
            if (value == null || value.isNull()) {
                if (d.required()) {
                    v.add(pointer, "option '" + d.name() + "' is required for objectType " + o.name());
                }
                continue;
            }
            switch (d.kind()) {
                case POSITIVE_INTEGER -> {
                    if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() > 0) {
                        values.put(d.name(), value);
                    } else {
                        v.add(pointer, "option '" + d.name() + "' must be a positive integer");
                    }
                }
                case STRING -> {
                    if (value.isString() && !value.stringValue().isBlank()) {
                        values.put(d.name(), value);
                    } else {
                        v.add(pointer, "option '" + d.name() + "' must be a non-empty string");
                    }
                }
                case BOOLEAN -> {
                    if (value.isBoolean()) {
                        values.put(d.name(), value);
                    } else {
                        v.add(pointer, "option '" + d.name() + "' must be true or false");
                    }
                }
                case ENUM -> {
                    if (value.isString() && d.allowedValues().contains(value.stringValue())) {
                        values.put(d.name(), value);
                    } else {
                        v.add(pointer, "option '" + d.name() + "' must be one of " + d.allowedValues());
                    }
                }
            }
        }
        return new SyncOptions(values, nulls);
    }
}
