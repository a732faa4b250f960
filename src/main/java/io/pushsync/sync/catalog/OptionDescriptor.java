package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** An entry of a batch's {@code options}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record OptionDescriptor(String name, OptionKind kind, boolean required, List<String> allowedValues, String description) {

    public static OptionDescriptor positiveInteger(String name, boolean required, String description) {
        return new OptionDescriptor(name, OptionKind.POSITIVE_INTEGER, required, List.of(), description);
    }

    public static OptionDescriptor bool(String name, String description) {
        return new OptionDescriptor(name, OptionKind.BOOLEAN, false, List.of(), description);
    }

    public static OptionDescriptor oneOf(String name, List<String> values, String description) {
        return new OptionDescriptor(name, OptionKind.ENUM, false, values, description);
    }
}
