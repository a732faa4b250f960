package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A field of a destination's {@code connection}; {@code secret} ones never leave the service. A value must be one of
 * {@code allowedValues} when there are any, and match {@code pattern} (a Java regex) when there is one.
 *
 * <p>Every value is bounded: a secret field without a pattern of its own must match {@link #SECRET_PATTERN} (visible
 * ASCII, at most {@link #MAX_SECRET_LENGTH} characters: a credential goes onto the wire with every call), and no
 * value of any field may be longer than {@link #MAX_VALUE_LENGTH} characters (checked before any pattern runs, so a
 * pattern never scans a huge value; a pattern should bound the length itself, well below that).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConnectionField(String name, String label, boolean secret, boolean required, List<String> allowedValues,
        String pattern) {

    /** The longest credential accepted. */
    public static final int MAX_SECRET_LENGTH = 512;
    /** The rule of a secret field that declares none: visible ASCII (no space, no control character), bounded. */
    public static final String SECRET_PATTERN = "[\\x21-\\x7E]{1," + MAX_SECRET_LENGTH + "}";
    /** The longest value of any connection field. */
    public static final int MAX_VALUE_LENGTH = 4096;

    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    public ConnectionField(String name, String label, boolean secret, boolean required, List<String> allowedValues) {
        this(name, label, secret, required, allowedValues, null);
    }

    /** A required secret field, with the {@link #SECRET_PATTERN} rule. */
    public static ConnectionField secret(String name, String label) {
        return new ConnectionField(name, label, true, true, List.of(), SECRET_PATTERN);
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
        String rule = pattern != null ? pattern : secret ? SECRET_PATTERN : null;
        if (value.length() > MAX_VALUE_LENGTH) {
            // refused before the pattern looks at it; the pattern (which bounds the length itself) is the rule to give
            return rule != null ? "must match " + rule : "must be at most " + MAX_VALUE_LENGTH + " characters";
        }
        if (rule != null && !COMPILED.computeIfAbsent(rule, Pattern::compile).matcher(value).matches()) {
            return "must match " + rule;
        }
        return null;
    }

    public static ConnectionField matching(String name, String label, String pattern) {
        return new ConnectionField(name, label, false, true, List.of(), pattern);
    }
}
