package io.pushsync.api.census;

import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.IdentifierAlias;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.OptionDescriptor;
import io.pushsync.sync.catalog.OptionKind;
import io.pushsync.sync.connections.NamedConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The objects of a connection as Census sees them ({@code list_objects}, {@code list_fields},
 * {@code supported_operations}), from the catalog of the connection's destination alone: every object type; one with
 * a required positive-integer {@code listId} option becomes one object per list id of the connection
 * ({@code <objectType>_<listId>}); one with identifier aliases one more object per alias
 * ({@code <objectType>_by_<field>}).
 */
final class CensusObjects {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final DestinationRegistry registry;
    private final JsonMapper json;

    CensusObjects(DestinationRegistry registry, JsonMapper json) {
        this.registry = registry;
        this.json = json;
    }

    ObjectNode listObjects(NamedConnection connection) {
        ObjectNode result = NODES.objectNode();
        ArrayNode objects = result.putArray("objects");
        for (CensusObject o : objects(connection)) {
            ObjectNode n = objects.addObject();
            n.put("object_api_name", o.apiName());
            n.put("label", o.label());
        }
        return result;
    }

    ObjectNode listFields(NamedConnection connection, JsonNode params) {
        CensusObject o = object(connection, params.get("object"), "object");
        ObjectNode result = NODES.objectNode();
        result.set("fields", json.valueToTree(CensusFields.of(o.type(), o.alias())));
        return result;
    }

    ObjectNode supportedOperations(NamedConnection connection, JsonNode params) {
        JsonNode object = params.get("object");
        if (object != null && !object.isNull()) {
            object(connection, object, "object");
        }
        ObjectNode result = NODES.objectNode();
        result.putArray("operations").add("upsert");
        return result;
    }

    List<CensusObject> objects(NamedConnection connection) {
        DestinationDescriptor d = registry.get(connection.type()).descriptor();
        List<CensusObject> objects = new ArrayList<>();
        for (ObjectTypeDescriptor o : d.objectTypes()) {
            if (listOption(o) == null) {
                objects.add(new CensusObject(o.name(), o.label(), o, null, null));
                for (IdentifierAlias alias : o.identifierAliases()) {
                    objects.add(new CensusObject(o.name() + "_by_" + alias.field(),
                            o.label() + " by " + CensusFields.label(alias.field()).toLowerCase(Locale.ROOT),
                            o, null, alias));
                }
            } else {
                for (Long listId : connection.listIds()) {
                    objects.add(new CensusObject(o.name() + "_" + listId, o.label() + " of list " + listId, o,
                            listId, null));
                }
            }
        }
        return objects;
    }

    /** A required positive-integer {@code listId} option: one Census object per configured list id. */
    static OptionDescriptor listOption(ObjectTypeDescriptor o) {
        return o.options().stream()
                .filter(opt -> opt.required() && opt.kind() == OptionKind.POSITIVE_INTEGER
                        && opt.name().equals("listId"))
                .findFirst().orElse(null);
    }

    /**
     * The object {@code object} names, {@code {"object_api_name": ...}} (as Census sends it) or a bare name; an
     * {@link RpcError} (invalid params, naming {@code where}) when it names none of the connection's objects.
     */
    CensusObject object(NamedConnection connection, JsonNode object, String where) {
        String name = null;
        if (object != null && object.isObject() && object.get("object_api_name") != null
                && object.get("object_api_name").isString()) {
            name = object.get("object_api_name").stringValue();
        } else if (object != null && object.isString()) {
            name = object.stringValue();
        }
        if (name == null) {
            throw new RpcError(RpcError.INVALID_PARAMS, "Invalid params: '" + where + "' must be an object with an "
                    + "object_api_name");
        }
        String wanted = name;
        Optional<CensusObject> found = objects(connection).stream().filter(o -> o.apiName().equals(wanted))
                .findFirst();
        return found.orElseThrow(() -> new RpcError(RpcError.INVALID_PARAMS, "Invalid params: unknown object '"
                + RpcError.printable(wanted) + "'; one of " + objects(connection).stream().map(CensusObject::apiName)
                .toList()));
    }
}
