package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An object type of a destination: the modes it supports, its options, the fields a row must carry (each may name
 * alternatives, e.g. {@code user_id} or {@code device_id}), the fields the vendor knows by default, and other names
 * its identifier may come under ({@link IdentifierAlias}).
 */
public record ObjectTypeDescriptor(
        String name,
        String label,
        List<String> modes,
        List<OptionDescriptor> options,
        List<RequiredField> requiredFields,
        List<String> defaultFields,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IdentifierAlias> identifierAliases) {

    public ObjectTypeDescriptor(String name, String label, List<String> modes, List<OptionDescriptor> options,
            List<RequiredField> requiredFields, List<String> defaultFields) {
        this(name, label, modes, options, requiredFields, defaultFields, List.of());
    }
}
