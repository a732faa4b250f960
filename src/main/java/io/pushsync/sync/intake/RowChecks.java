package io.pushsync.sync.intake;

import static io.pushsync.sync.intake.Violations.escape;

import io.pushsync.sync.Change;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.NullHandling;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowFields;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.ReplaceTarget;
import io.pushsync.sync.catalog.RequiredField;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The checks of one row. Its shape, its id (present, not too long, not used before) and its {@code change} are
 * request problems ({@link Violations}); its fields (how many, names, value sizes, numbers out of range, the object
 * type's required fields) fail only that row ({@link #rowProblem}).
 */
final class RowChecks {

    private static final int MAX_ROW_ID_LENGTH = 256;

    private final BatchProperties limits;

    RowChecks(BatchProperties limits) {
        this.limits = limits;
    }

    /**
     * Checks one row, adding its request-level problems to {@code v}.
     *
     * @param at the row's position in the request (for pointers and duplicate ids)
     * @param index the index the row gets ({@link SyncRow#index()})
     * @return the row, or null when it has a problem
     */
    static SyncRow row(int at, int index, BatchBody.RawRow n, RequestHead head, RowIds ids, Violations v) {
        if (!n.object()) {
            v.add(base(at), "a row must be an object with 'id' and 'fields'");
            return null;
        }
        for (String name : n.unknown()) {
            v.add(base(at) + "/" + escape(name), "unknown row property '" + name + "'; expected id, change, fields");
        }
        JsonNode idNode = n.id();
        String id = null;
        if (idNode == null || !idNode.isString() || idNode.stringValue().isEmpty()
                || idNode.stringValue().length() > MAX_ROW_ID_LENGTH) {
            v.add(base(at) + "/id", "row 'id' must be a string of 1 to " + MAX_ROW_ID_LENGTH + " characters");
        } else {
            id = idNode.stringValue();
            int first = ids.firstUse(id, at);
            if (first >= 0) {
                v.add(base(at) + "/id", "duplicate row id '" + id + "' (first used at /rows/" + first + ")");
            }
        }
        String mode = head.mode();
        JsonNode changeNode = n.change();
        Change change = null;
        boolean changePresent = changeNode != null && !changeNode.isNull();
        if ("mirror".equals(mode)) {
            change = changePresent && changeNode.isString() ? Change.fromWire(changeNode.stringValue()) : null;
            if (change == null) {
                v.add(base(at) + "/change", "'change' is required in mirror mode: added, changed or removed");
            }
        } else if (changePresent && mode != null) {
            v.add(base(at) + "/change", "'change' is only allowed in mirror mode (mode is " + mode + ")");
        }
        if (n.fields() == null) {
            v.add(base(at) + "/fields", "row 'fields' is required and must be an object of field name to value");
            return null;
        }
        ReplaceTarget replace = head.objectType() == null ? null : head.objectType().replace();
        if (replace != null && ObjectTypeDescriptor.REPLACE.equals(mode)) {
            for (String name : n.fields().keySet()) {
                if (!replace.memberField().equals(name)) {
                    v.add(base(at) + "/fields/" + escape(name), "in replace mode a row carries only '"
                            + replace.memberField() + "' (the member); '" + name + "' is not allowed");
                }
            }
        }
        boolean clear = head.options() != null && head.options().nulls() == NullHandling.CLEAR;
        RowFields fields = clear ? n.fields() : n.fields().withoutNulls();
        return id == null ? null : new SyncRow(index, id, change, fields);
    }

    /** The pointer to row {@code at}: written only for a problem (a valid row costs no string). */
    private static String base(int at) {
        return "/rows/" + at;
    }

    /** The row-level problem of a row, or null; in replace mode the only required field is the member. */
    RowError rowProblem(ObjectTypeDescriptor objectType, String mode, SyncRow row) {
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
        List<RequiredField> requiredFields = objectType.replace() != null && ObjectTypeDescriptor.REPLACE.equals(mode)
                ? List.of(RequiredField.of(objectType.replace().memberField())) : objectType.requiredFields();
        for (RequiredField required : requiredFields) {
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
}
