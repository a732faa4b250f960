package io.pushsync.sync.values;

import java.util.Locale;

/**
 * E-mail addresses as every destination sends them: trimmed, lower-cased, shaped like {@code x@y.z}: the shape of
 * the regular expression {@code ^[^@\s]+@[^@\s]+\.[^@\s]+$}, checked by one scan of the address instead (a
 * row's hot path; {@code EmailAddressesTest} compares the two).
 */
public final class EmailAddresses {

    private EmailAddresses() {
    }

    /** Trimmed and lower-cased (inconsistent spaces and casing create duplicate contacts at the vendors). */
    public static String normalise(String raw) {
        return raw.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether a normalised address looks like one: exactly one {@code @}, with something before it, no white space
     * ({@code \s}: space, tab, line feed, vertical tab, form feed, carriage return), and after the {@code @} a dot
     * with something on either side of it.
     */
    public static boolean isValid(String normalised) {
        int n = normalised.length();
        int at = -1;
        for (int i = 0; i < n; i++) {
            char c = normalised.charAt(i);
            if (c == '@') {
                if (at >= 0) {
                    return false;
                }
                at = i;
            } else if (c == ' ' || (c >= '\t' && c <= '\r')) {
                return false;
            }
        }
        if (at < 1) {
            return false;
        }
        int dot = normalised.indexOf('.', at + 2);
        return dot >= 0 && dot < n - 1;
    }
}
