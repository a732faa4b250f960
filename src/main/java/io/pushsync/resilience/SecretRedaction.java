package io.pushsync.resilience;

import io.pushsync.sync.Secret;
import java.util.List;

/**
 * Secrets out of a vendor's message: the forms a vendor echoes a credential in (any case, URL-encoded,
 * JSON-escaped, clipped) are found and replaced before the message reaches a row result, a log line or an
 * exception. {@link VendorExchange} redacts every answer it reads with the call's secrets.
 */
final class SecretRedaction {

    private SecretRedaction() {
    }

    /** What replaces a secret (or a form or a start of one) in a vendor's message. */
    static final String REDACTED = "****";
    /**
     * The shortest start of a secret redacted on its own: a vendor that clips its message mid-secret, or echoes
     * only the first characters of a credential, must not show them. A secret shorter than this is redacted whole.
     */
    static final int MIN_REDACTED_PREFIX = 8;

    /**
     * {@code text} with every secret of the call replaced by {@link #REDACTED}: the secret as it is, and the forms
     * vendors echo it in, in any mix within one occurrence:
     * <ul>
     * <li>in any case (upper- or lower-cased by the vendor: matching ignores case);</li>
     * <li>URL-encoded: {@code %XX} escapes (upper or lower hex, UTF-8 for non-ASCII, as {@link java.net.URLEncoder}
     * and RFC 3986 percent-encoding write them), and {@code +} for a space;</li>
     * <li>JSON-escaped: {@code \/}, {@code \"}, {@code \\}, {@code \n} ... and {@code \\uXXXX} (raw text the vendor
     * answered with, which no JSON reader decoded);</li>
     * <li>truncated: any run equal to the first {@link #MIN_REDACTED_PREFIX} or more characters of a secret (a
     * message clipped by the vendor mid-secret, or a vendor echoing a credential's start).</li>
     * </ul>
     * Vendor messages only (once per call, not per row): linear in the text's length for each secret (a
     * Knuth-Morris-Pratt scan over the text, and over its decoded form when it has escapes).
     */
    static String redact(String text, List<Secret> secrets) {
        if (text.isEmpty() || secrets.isEmpty()) {
            return text;
        }
        Shadow raw = Shadow.raw(text);
        Shadow decoded = text.indexOf('%') >= 0 || text.indexOf('\\') >= 0 ? Shadow.decoded(text) : null;
        int[] cover = new int[text.length() + 1]; // +1 where a redacted span starts, -1 after it ends
        boolean any = false;
        for (Secret secret : secrets) {
            String value = secret.reveal();
            if (value.isEmpty()) {
                continue;
            }
            char[] pattern = lower(value);
            any |= mark(raw, pattern, cover);
            if (decoded != null) {
                any |= mark(decoded, pattern, cover);
                if (value.indexOf(' ') >= 0) {
                    // application/x-www-form-urlencoded writes a space as '+'
                    any |= mark(decoded, lower(value.replace(' ', '+')), cover);
                }
            }
        }
        if (!any) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            boolean wasHidden = depth > 0;
            depth += cover[i];
            if (depth > 0) {
                if (!wasHidden) {
                    out.append(REDACTED);
                }
            } else {
                out.append(text.charAt(i));
            }
        }
        return out.toString();
    }

    private static char[] lower(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = Character.toLowerCase(c[i]);
        }
        return c;
    }

    /**
     * Marks in {@code cover} every run of {@code shadow} equal to a start of {@code pattern} of at least
     * {@link #MIN_REDACTED_PREFIX} characters (or all of it, when shorter). The Knuth-Morris-Pratt state after each
     * character is the longest start of the pattern ending there, so marking that one run at each position covers
     * every shorter one too.
     */
    private static boolean mark(Shadow shadow, char[] pattern, int[] cover) {
        int m = pattern.length;
        int least = Math.min(MIN_REDACTED_PREFIX, m);
        int[] fail = new int[m];
        for (int i = 1, k = 0; i < m; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = fail[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            fail[i] = k;
        }
        boolean any = false;
        for (int i = 0, q = 0; i < shadow.length; i++) {
            char c = shadow.chars[i];
            while (q > 0 && (q == m || c != pattern[q])) {
                q = fail[q - 1];
            }
            if (c == pattern[q]) {
                q++;
            }
            if (q >= least) {
                cover[shadow.from[i - q + 1]]++;
                cover[shadow.to[i]]--;
                any = true;
            }
        }
        return any;
    }

    /**
     * A message as the matcher reads it: lower-cased characters, each with the span of the message it came from
     * ({@code [from, to)}); decoded, an escape ({@code %2F}, {@code \/}, {@code \\u00e9}) is one character.
     */
    private static final class Shadow {

        final char[] chars;
        final int[] from;
        final int[] to;
        int length;

        private Shadow(int capacity) {
            chars = new char[capacity];
            from = new int[capacity];
            to = new int[capacity];
        }

        private void add(char c, int start, int end) {
            chars[length] = Character.toLowerCase(c);
            from[length] = start;
            to[length] = end;
            length++;
        }

        static Shadow raw(String text) {
            Shadow s = new Shadow(text.length());
            for (int i = 0; i < text.length(); i++) {
                s.add(text.charAt(i), i, i + 1);
            }
            return s;
        }

        static Shadow decoded(String text) {
            int n = text.length();
            Shadow s = new Shadow(n);
            int i = 0;
            while (i < n) {
                char c = text.charAt(i);
                int end = c == '\\' ? jsonEscape(text, i, s) : c == '%' ? percentEscape(text, i, s) : -1;
                if (end < 0) {
                    s.add(c, i, i + 1);
                    i++;
                } else {
                    i = end;
                }
            }
            return s;
        }

        /** Adds the character of a JSON escape at {@code i}; its end, or -1 when there is none. */
        private static int jsonEscape(String text, int i, Shadow s) {
            if (i + 1 >= text.length()) {
                return -1;
            }
            char e = text.charAt(i + 1);
            int c = switch (e) {
                case '"', '\\', '/', '\'' -> e;
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> hex(text, i + 2, 4);
                default -> -1;
            };
            if (c < 0) {
                return -1;
            }
            int end = e == 'u' ? i + 6 : i + 2;
            s.add((char) c, i, end);
            return end;
        }

        /** Adds the character(s) of a run of {@code %XX} escapes forming one UTF-8 character; its end, or -1. */
        private static int percentEscape(String text, int i, Shadow s) {
            int b = hex(text, i + 1, 2);
            if (b < 0) {
                return -1;
            }
            int more = b < 0x80 ? 0 : b >= 0xC2 && b < 0xE0 ? 1 : b >= 0xE0 && b < 0xF0 ? 2
                    : b >= 0xF0 && b < 0xF5 ? 3 : -1;
            if (more < 0) {
                return -1;
            }
            int cp = more == 0 ? b : b & (0x3F >> more);
            int end = i + 3;
            for (int k = 0; k < more; k++, end += 3) {
                int next = end < text.length() && text.charAt(end) == '%' ? hex(text, end + 1, 2) : -1;
                if (next < 0x80 || next > 0xBF) {
                    return -1;
                }
                cp = cp << 6 | next & 0x3F;
            }
            if (!Character.isValidCodePoint(cp) || cp >= 0xD800 && cp <= 0xDFFF) {
                return -1;
            }
            for (char c : Character.toChars(cp)) {
                s.add(c, i, end);
            }
            return end;
        }

        /** The value of {@code digits} hex digits at {@code at}, or -1. */
        private static int hex(String text, int at, int digits) {
            if (at + digits > text.length()) {
                return -1;
            }
            int v = 0;
            for (int k = at; k < at + digits; k++) {
                int d = Character.digit(text.charAt(k), 16);
                if (d < 0) {
                    return -1;
                }
                v = v << 4 | d;
            }
            return v;
        }
    }
}
