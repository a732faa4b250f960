package io.pushsync.sync;

/** {@code options.nulls}: a null field is left untouched at the vendor ({@code ignore}) or sent ({@code clear}). */
public enum NullHandling {
    IGNORE, CLEAR
}
