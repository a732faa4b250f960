package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An object type of a destination: the modes it supports, its options, the fields a row must carry (each may name
 * alternatives, e.g. {@code user_id} or {@code device_id}), the fields the vendor knows by default, other names its
 * identifier may come under ({@link IdentifierAlias}), and, when it supports {@code mode: "replace"}, what a member
 * and its target are ({@link ReplaceTarget}).
 */
public record ObjectTypeDescriptor(
        String name,
        String label,
        List<String> modes,
        List<OptionDescriptor> options,
        List<RequiredField> requiredFields,
        List<String> defaultFields,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IdentifierAlias> identifierAliases,
        @JsonInclude(JsonInclude.Include.NON_NULL) ReplaceTarget replace) {

    /** The mode in which a request carries a target's whole audience. */
    public static final String REPLACE = "replace";

    public ObjectTypeDescriptor {
        if (modes.contains(REPLACE) != (replace != null)) {
            throw new IllegalArgumentException("object type " + name + ": mode replace and a ReplaceTarget go "
                    + "together");
        }
    }

    public ObjectTypeDescriptor(String name, String label, List<String> modes, List<OptionDescriptor> options,
            List<RequiredField> requiredFields, List<String> defaultFields, List<IdentifierAlias> identifierAliases) {
        this(name, label, modes, options, requiredFields, defaultFields, identifierAliases, null);
    }

    public ObjectTypeDescriptor(String name, String label, List<String> modes, List<OptionDescriptor> options,
            List<RequiredField> requiredFields, List<String> defaultFields) {
        this(name, label, modes, options, requiredFields, defaultFields, List.of());
    }
}
