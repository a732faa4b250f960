package io.pushsync.api.census;

import io.pushsync.sync.catalog.IdentifierAlias;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Census' view of a catalog object type ({@code list_fields}), derived from the catalog alone so that a new vendor
 * needs no Census code: the fields are the required fields (with their alternatives) and the default fields; the
 * first required field is the one identifier; a required field without alternatives is {@code required}. The Census
 * type comes from the field name: {@code tags}/{@code topics} are string arrays, {@code *_subscription} booleans,
 * everything else (identifiers included) a string, which every vendor accepts.
 */
final class CensusFields {

    private static final Set<String> ARRAYS = Set.of("tags", "topics");

    private CensusFields() {
    }

    /** The identifier field of an object type: its first required field, or null when it has none. */
    static String identifier(ObjectTypeDescriptor o) {
        return o.requiredFields().isEmpty() ? null : o.requiredFields().get(0).name();
    }

    static List<Map<String, Object>> of(ObjectTypeDescriptor o) {
        return of(o, null);
    }

    /**
     * The fields of an object keyed by {@code alias} (null: by the type's identifier): the alias takes the
     * identifier's place (CleverPush {@code tags_by_user_id}: {@code user_id} instead of {@code subscription_id}).
     */
    static List<Map<String, Object>> of(ObjectTypeDescriptor o, IdentifierAlias alias) {
        String canonical = identifier(o);
        String identifier = alias == null ? canonical : alias.field();
        Set<String> required = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (RequiredField r : o.requiredFields()) {
            String name = r.name().equals(canonical) ? identifier : r.name();
            names.add(name);
            names.addAll(r.alternatives());
            if (r.alternatives().isEmpty() || name.equals(identifier)) {
                required.add(name);
            }
        }
        if (alias != null) {
            o.defaultFields().stream().filter(f -> !f.equals(canonical)).forEach(names::add);
        }
        if (alias == null) {
            names.addAll(o.defaultFields());
        }
        List<Map<String, Object>> fields = new ArrayList<>();
        for (String name : names) {
            boolean id = name.equals(identifier);
            boolean array = !id && ARRAYS.contains(name);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("field_api_name", name);
            f.put("label", label(name));
            f.put("identifier", id);
            f.put("required", required.contains(name));
            f.put("createable", true);
            f.put("updateable", true);
            f.put("type", id || array ? "string" : type(name));
            f.put("array", array);
            fields.add(f);
        }
        return fields;
    }

    private static String type(String name) {
        return name.endsWith("_subscription") ? "boolean" : "string";
    }

    /** {@code first_name} -> {@code First name}. */
    static String label(String name) {
        String spaced = name.replace('_', ' ').trim();
        return spaced.isEmpty() ? name : spaced.substring(0, 1).toUpperCase(Locale.ROOT) + spaced.substring(1);
    }
}
