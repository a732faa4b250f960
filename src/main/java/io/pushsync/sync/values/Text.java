package io.pushsync.sync.values;

/** Text as messages and logs quote it. Pure. */
public final class Text {

    /** How much of a caller's value a row message quotes ({@link #clip(String)}). */
    public static final int QUOTED_VALUE = 64;

    /** What a clipped text ends with. */
    static final String ELLIPSIS = "...";

    private Text() {
    }

    /** {@code s} as a row message quotes a value: at most {@value #QUOTED_VALUE} characters, then "...". */
    public static String clip(String s) {
        return clip(s, QUOTED_VALUE);
    }

    /**
     * {@code s} itself when it has at most {@code max} characters, else its first {@code max} followed by "...".
     * Characters are UTF-16 units ({@link String#length()}); a cut that would fall inside a surrogate pair is made
     * before it, so a clipped text never ends with half a character (which would be written as {@code ?} or an
     * escape).
     */
    public static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max > 0 && Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end) + ELLIPSIS;
    }
}
