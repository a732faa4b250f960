package io.pushsync.sync.intake;

import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.OptionDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import io.pushsync.sync.connections.NamedConnection;
import io.pushsync.sync.connections.NamedConnections;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import io.pushsync.sync.Change;
import io.pushsync.sync.Connection;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.NullHandling;
import io.pushsync.sync.PreparedBatch;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowFields;
import io.pushsync.sync.Secret;
import io.pushsync.sync.SyncOptions;
import io.pushsync.sync.SyncRow;

/**
 * Turns a request body into a {@link PreparedBatch}, checking it against the destination's catalog.
 *
 * <p>Request-level problems (structure, ids, connection, object type, mode, options, {@code change}) are collected
 * into one {@link InvalidBatchException}. Row-level problems (a missing identifier, too many fields, an oversized
 * string) fail only that row.
 */
@Component
public class BatchValidator {

    static final String NULLS_OPTION = "nulls";
    private static final int MAX_REPORTED_VIOLATIONS = 100;
    private static final int MAX_ID_LENGTH = 200;
    private static final int MAX_ROW_ID_LENGTH = 256;
    private static final Set<String> TOP_LEVEL =
            Set.of("syncId", "batchId", "connection", "connectionRef", "objectType", "mode", "options", "rows");

    private final BatchProperties limits;
    private final NamedConnections named;

    @Autowired
    public BatchValidator(BatchProperties limits, NamedConnections named) {
        this.limits = limits;
        this.named = named;
    }

    /** A validator that knows no named connections. */
    public BatchValidator(BatchProperties limits) {
        this(limits, NamedConnections.none());
    }

    public PreparedBatch prepare(DestinationDescriptor destination, JsonNode body) {
        return prepare(destination, body, limits.maxRows(), "pushsync.batch.max-rows");
    }

    /** As {@link #prepare(DestinationDescriptor, BatchBody, int, String)} for a body that is already a tree. */
    public PreparedBatch prepare(DestinationDescriptor destination, JsonNode body, int maxRows, String maxRowsKey) {
        return prepare(destination, BatchBodyReader.defaults().of(body), maxRows, maxRowsKey);
    }

    /** A body read by {@link BatchBodyReader}, with another row limit (jobs have their own). */
    public PreparedBatch prepare(DestinationDescriptor destination, BatchBody body, int maxRows, String maxRowsKey) {
        Violations v = new Violations();
        RequestHead head = head(destination, body, maxRows, maxRowsKey, v);
        List<BatchBody.RawRow> rawRows = body.rows();
        RowIds ids = RowIds.exact();
        List<SyncRow> rows = new ArrayList<>(rawRows.size());
        for (int i = 0; i < rawRows.size(); i++) {
            rows.add(row(i, i, rawRows.get(i), head, ids, v));
        }
        if (!v.isEmpty()) {
            throw v.exception();
        }
        return batch(head, rows);
    }

    /**
     * Validates a request whose rows are not in memory (a job's body, spooled to a file): {@code body} is its head
     * (read keeping no rows), {@code rows} opens a new cursor over its rows for each pass. The same request errors
     * as {@link #prepare} in the same order, in memory that does not grow with the rows but for one 64-bit hash per
     * row id: a first pass checks every row and hashes the ids; only when two hashes are equal does a second pass
     * check again, comparing the ids of those hashes exactly. Row-level problems are not looked at here:
     * {@link #window} finds them when the rows are read to be sent.
     *
     * @return the validated head, with which {@link #window} reads the rows
     */
    public RequestHead prepare(DestinationDescriptor destination, BatchBody body,
            Supplier<BatchBodyReader.RowCursor> rows, int maxRows, String maxRowsKey) {
        Violations v = new Violations();
        RequestHead head = head(destination, body, maxRows, maxRowsKey, v);
        int headProblems = v.total;
        RowIds.Hashed hashes = RowIds.hashed(body.rowCount());
        checkRows(head, rows, hashes, v);
        RowIds collisions = hashes.collisions();
        if (collisions != null) {
            v.truncate(headProblems);
            checkRows(head, rows, collisions, v);
        }
        if (!v.isEmpty()) {
            throw v.exception();
        }
        return head;
    }

    private void checkRows(RequestHead head, Supplier<BatchBodyReader.RowCursor> rows, RowIds ids, Violations v) {
        try (BatchBodyReader.RowCursor cursor = rows.get()) {
            for (BatchBody.RawRow raw = cursor.next(); raw != null; raw = cursor.next()) {
                row(cursor.index(), cursor.index(), raw, head, ids, v);
            }
        }
    }

    /**
     * The next {@code count} rows of a request that {@link #prepare(DestinationDescriptor, BatchBody, Supplier, int,
     * String)} validated, as a batch of their own: its rows are indexed from 0 (the first row read here), its row
     * failures are the rows' row-level problems.
     */
    public PreparedBatch window(RequestHead head, BatchBodyReader.RowCursor cursor, int count) {
        Violations v = new Violations();
        List<SyncRow> rows = new ArrayList<>(count);
        for (BatchBody.RawRow raw; rows.size() < count && (raw = cursor.next()) != null; ) {
            rows.add(row(cursor.index(), rows.size(), raw, head, RowIds.none(), v));
        }
        if (!v.isEmpty()) {
            throw new IllegalStateException("rows read again no longer pass validation: " + v.list);
        }
        return batch(head, rows);
    }

    /** The request-level checks; throws at once when there are no rows to check or too many. */
    private RequestHead head(DestinationDescriptor destination, BatchBody body, int maxRows, String maxRowsKey,
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
        if (body.rows() == null) {
            v.add("/rows", "'rows' is required and must be an array of rows");
            throw v.exception();
        }
        if (body.rowCount() > maxRows) {
            throw new BatchTooLargeException(body.rowCount(), maxRows, maxRowsKey);
        }
        return new RequestHead(destination.type(), syncId, batchId, connection, objectType, mode, options,
                body.rowCount());
    }

    /** The valid rows for the adapter, the rows' ids and the rows failed by their row-level problems. */
    private PreparedBatch batch(RequestHead head, List<SyncRow> rows) {
        List<String> ids = new ArrayList<>(rows.size());
        List<SyncRow> valid = new ArrayList<>(rows.size());
        Map<Integer, RowError> rowFailures = new LinkedHashMap<>();
        for (SyncRow row : rows) {
            ids.add(row.id());
            RowError problem = rowProblem(head.objectType(), row);
            if (problem == null) {
                valid.add(row);
            } else {
                rowFailures.put(row.index(), problem);
            }
        }
        return new PreparedBatch(head.request(valid), ids, rowFailures);
    }

    private static InvalidBatchException notAnObject() {
        return new InvalidBatchException(List.of(new Violation("", "the request body must be a JSON object")));
    }

    /** Validates the body of a connection check: {@code {"connection": {...}}} or {@code {"connectionRef": "name"}}. */
    public Connection connectionOnly(DestinationDescriptor destination, JsonNode body) {
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

    /**
     * Checks one row, adding its request-level problems to {@code v}.
     *
     * @param at the row's position in the request (for pointers and duplicate ids)
     * @param index the index the row gets ({@link SyncRow#index()})
     * @return the row, or null when it has a problem
     */
    private static SyncRow row(int at, int index, BatchBody.RawRow n, RequestHead head, RowIds ids, Violations v) {
        String base = "/rows/" + at;
        if (!n.object()) {
            v.add(base, "a row must be an object with 'id' and 'fields'");
            return null;
        }
        for (String name : n.unknown()) {
            v.add(base + "/" + escape(name), "unknown row property '" + name + "'; expected id, change, fields");
        }
        JsonNode idNode = n.id();
        String id = null;
        if (idNode == null || !idNode.isString() || idNode.stringValue().isEmpty()
                || idNode.stringValue().length() > MAX_ROW_ID_LENGTH) {
            v.add(base + "/id", "row 'id' must be a string of 1 to " + MAX_ROW_ID_LENGTH + " characters");
        } else {
            id = idNode.stringValue();
            int first = ids.firstUse(id, at);
            if (first >= 0) {
                v.add(base + "/id", "duplicate row id '" + id + "' (first used at /rows/" + first + ")");
            }
        }
        String mode = head.mode();
        JsonNode changeNode = n.change();
        Change change = null;
        boolean changePresent = changeNode != null && !changeNode.isNull();
        if ("mirror".equals(mode)) {
            change = changePresent && changeNode.isString() ? Change.fromWire(changeNode.stringValue()) : null;
            if (change == null) {
                v.add(base + "/change", "'change' is required in mirror mode: added, changed or removed");
            }
        } else if (changePresent && mode != null) {
            v.add(base + "/change", "'change' is only allowed in mirror mode (mode is " + mode + ")");
        }
        if (n.fields() == null) {
            v.add(base + "/fields", "row 'fields' is required and must be an object of field name to value");
            return null;
        }
        boolean clear = head.options() != null && head.options().nulls() == NullHandling.CLEAR;
        RowFields fields = clear ? n.fields() : n.fields().withoutNulls();
        return id == null ? null : new SyncRow(index, id, change, fields);
    }

    private RowError rowProblem(ObjectTypeDescriptor objectType, SyncRow row) {
        int sent = RowFields.fieldsSent(row.fields()); // a row over the reader's limit keeps no fields
        if (sent > limits.maxFieldsPerRow()) {
            return RowError.of(ErrorCode.INVALID_FIELD, "the row has " + sent
                    + " fields; at most " + limits.maxFieldsPerRow() + " are accepted");
        }
        for (Map.Entry<String, JsonNode> e : row.fields().entrySet()) {
            if (e.getKey().isBlank()) {
                return RowError.of(ErrorCode.INVALID_FIELD, e.getKey(), "a field name must not be blank");
            }
            String problem = valueProblem(e.getValue());
            if (problem != null) {
                return RowError.of(ErrorCode.INVALID_FIELD, e.getKey(), problem);
            }
        }
        for (RequiredField required : objectType.requiredFields()) {
            if (!present(row, required.name()) && required.alternatives().stream().noneMatch(a -> present(row, a))) {
                String what = required.alternatives().isEmpty() ? "'" + required.name() + "'"
                        : "one of '" + required.name() + "', '" + String.join("', '", required.alternatives()) + "'";
                return RowError.of(ErrorCode.MISSING_REQUIRED_FIELD, required.name(),
                        "required field " + what + " is missing or blank");
            }
        }
        return null;
    }

    /**
     * What is wrong with a field value, or null: a string over the size limit; an object or array whose JSON text
     * would be over it (adapters send such values as one string); a number that is not finite (1e400 would
     * otherwise reach the vendor as "Infinity").
     */
    private String valueProblem(JsonNode value) {
        long max = limits.maxStringLength().toBytes();
        if (value.isString()) {
            return tooLong(value.stringValue()) ? "string value longer than " + max + " bytes" : null;
        }
        if (value.isNumber()) {
            return finite(value) ? null : "number out of range: " + value.asString();
        }
        if (value.isObject() || value.isArray()) {
            long[] size = {0};
            String nested = nestedProblem(value, size, max);
            if (nested != null) {
                return nested;
            }
            return size[0] > max ? "object or array value larger than " + max + " bytes as JSON" : null;
        }
        return null;
    }

    private String nestedProblem(JsonNode node, long[] size, long max) {
        size[0] += 2;
        if (size[0] > max) {
            return null; // over the limit already: the caller reports the size
        }
        if (node.isString()) {
            size[0] += node.stringValue().length();
        } else if (node.isNumber()) {
            if (!finite(node)) {
                return "number out of range inside the value: " + node.asString();
            }
            size[0] += 8;
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                size[0] += e.getKey().length();
                String p = nestedProblem(e.getValue(), size, max);
                if (p != null) {
                    return p;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                String p = nestedProblem(child, size, max);
                if (p != null) {
                    return p;
                }
            }
        } else {
            size[0] += 4;
        }
        return null;
    }

    private static boolean finite(JsonNode number) {
        return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
    }

    private boolean tooLong(String s) {
        long max = limits.maxStringLength().toBytes();
        return s.length() > max || (s.length() * 3L > max && s.getBytes(StandardCharsets.UTF_8).length > max);
    }

    private static boolean present(SyncRow row, String field) {
        JsonNode n = row.fields().get(field);
        return n != null && !n.isNull() && !(n.isString() && n.stringValue().isBlank());
    }

    /** JSON Pointer escaping of one reference token (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static final class Violations {
        private final List<Violation> list = new ArrayList<>();
        private int total;

        void add(String pointer, String message) {
            total++;
            if (list.size() < MAX_REPORTED_VIOLATIONS) {
                list.add(new Violation(pointer, message));
            }
        }

        boolean isEmpty() {
            return total == 0;
        }

        /** Forgets every problem after the first {@code kept} (of which at most the first 100 are listed). */
        void truncate(int kept) {
            list.subList(Math.min(kept, list.size()), list.size()).clear();
            total = kept;
        }

        InvalidBatchException exception() {
            if (total > list.size()) {
                list.add(new Violation("", (total - list.size()) + " more problems not listed"));
            }
            return new InvalidBatchException(list);
        }
    }
}
