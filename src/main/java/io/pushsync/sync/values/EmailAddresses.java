package io.pushsync.sync.values;

import java.util.Locale;
import java.util.regex.Pattern;

/** E-mail addresses as every destination sends them: trimmed, lower-cased, shaped like {@code x@y.z}. */
public final class EmailAddresses {

    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private EmailAddresses() {
    }

    /** Trimmed and lower-cased (inconsistent spaces and casing create duplicate contacts at the vendors). */
    public static String normalise(String raw) {
        return raw.trim().toLowerCase(Locale.ROOT);
    }

    /** Whether a normalised address looks like one. */
    public static boolean isValid(String normalised) {
        return SHAPE.matcher(normalised).matches();
    }
}
