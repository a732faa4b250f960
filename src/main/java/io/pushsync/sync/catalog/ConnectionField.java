package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A field of a destination's {@code connection}; {@code secret} ones never leave the service. A value must be one of
 * {@code allowedValues} when there are any, and match {@code pattern} (a Java regex) when there is one.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConnectionField(String name, String label, boolean secret, boolean required, List<String> allowedValues,
        String pattern) {

    public ConnectionField(String name, String label, boolean secret, boolean required, List<String> allowedValues) {
        this(name, label, secret, required, allowedValues, null);
    }

    public static ConnectionField secret(String name, String label) {
        return new ConnectionField(name, label, true, true, List.of(), null);
    }

    public static ConnectionField plain(String name, String label, List<String> allowedValues) {
        return new ConnectionField(name, label, false, true, allowedValues, null);
    }

    /**
     * What is wrong with a (trimmed, non-blank) value of this field, or null. The answer names the field's rules, never
     * the value, so it is safe for secret fields.
     */
    public String problem(String value) {
        if (!allowedValues.isEmpty() && !allowedValues.contains(value)) {
            return "must be one of " + allowedValues;
        }
        if (pattern != null && !value.matches(pattern)) {
            return "must match " + pattern;
        }
        return null;
    }

    public static ConnectionField matching(String name, String label, String pattern) {
        return new ConnectionField(name, label, false, true, List.of(), pattern);
    }
}
