package io.pushsync.destination.xtremepush;

import io.pushsync.sync.Secret;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every Xtremepush wire detail in one place. Entries marked UNCONFIRMED are choices made where the vendor's
 * documents are silent (docs: vendors.md); fix them here when a real account shows otherwise.
 */
final class XtremepushWire {

    static final String PROFILE_IMPORT_PATH = "/api/external/import/profile";
    /** UNCONFIRMED: path of the list import. */
    static final String LIST_IMPORT_PATH = "/api/external/import/list";
    static final String PROFILE_LIST_PATH = "/api/external/list/profile";
    /** The app token travels in the JSON body under this name, never in a header. */
    static final String TOKEN_FIELD = "apptoken";
    /** UNCONFIRMED: list import modes. */
    static final String LIST_MODE_ADD = "create";
    static final String LIST_MODE_REMOVE = "delete";
    /** Where a 202's task id may be, first match wins. UNCONFIRMED: the documents name no position. */
    private static final List<String> TASK_ID_POINTERS =
            List.of("/data/task_id", "/data/taskId", "/data/id", "/model/id", "/task_id", "/id");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private XtremepushWire() {
    }

    static ObjectNode profileImport(Secret token, List<String> columns, List<List<JsonNode>> rows) {
        ObjectNode body = NODES.objectNode();
        body.put(TOKEN_FIELD, token.reveal());
        ArrayNode cols = body.putArray("columns");
        columns.forEach(cols::add);
        ArrayNode rowsNode = body.putArray("rows");
        for (List<JsonNode> row : rows) {
            ArrayNode r = rowsNode.addArray();
            row.forEach(r::add);
        }
        return body;
    }

    /** UNCONFIRMED: body {@code {apptoken, id, mode, items}}. */
    static ObjectNode listImport(Secret token, long listId, String mode, List<String> items) {
        ObjectNode body = NODES.objectNode();
        body.put(TOKEN_FIELD, token.reveal());
        body.put("id", listId);
        body.put("mode", mode);
        ArrayNode arr = body.putArray("items");
        items.forEach(arr::add);
        return body;
    }

    static ObjectNode connectionCheck(Secret token) {
        ObjectNode body = NODES.objectNode();
        body.put(TOKEN_FIELD, token.reveal());
        body.put("limit", 1);
        return body;
    }

    /** UNCONFIRMED: the mobile number as a JSON number of digits, as in the vendor's example. */
    static JsonNode mobileNumber(String e164Digits) {
        return NODES.numberNode(Long.parseLong(e164Digits));
    }

    static String taskId(JsonNode body) {
        if (body == null) {
            return null;
        }
        for (String pointer : TASK_ID_POINTERS) {
            JsonNode n = body.at(pointer);
            if (n != null && !n.isMissingNode() && !n.isNull() && (n.isString() || n.isNumber())) {
                return n.asString();
            }
        }
        return null;
    }

    /** The vendor's words from an envelope {@code {code, success, message, errors}}, or the raw text. */
    static String vendorMessage(JsonNode body, String raw) {
        if (body != null && body.isObject()) {
            StringBuilder sb = new StringBuilder();
            JsonNode message = body.get("message");
            if (message != null && message.isString()) {
                sb.append(message.stringValue());
            }
            JsonNode errors = body.get("errors");
            if (errors != null && errors.isObject()) {
                for (Map.Entry<String, JsonNode> e : errors.properties()) {
                    sb.append(sb.isEmpty() ? "" : "; ").append(e.getKey()).append(": ")
                            .append(e.getValue().isArray() || e.getValue().isObject() ? e.getValue().toString()
                                    : e.getValue().asString());
                }
            } else if (errors != null && !errors.isNull() && !errors.isMissingNode()) {
                sb.append(sb.isEmpty() ? "" : "; ").append(errors.toString());
            }
            if (!sb.isEmpty()) {
                return sb.toString();
            }
        }
        return raw == null || raw.isBlank() ? "(empty body)" : raw;
    }
}
