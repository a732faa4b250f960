package io.pushsync.sync.intake;

import java.util.List;

/**
 * An object of the body has a key twice (a 400 like the validator's, pointing at the second one): which of the
 * two values was meant cannot be told, so neither is taken.
 */
public final class DuplicateKeyException extends InvalidBatchException {
    private final String key;
    private final String pointer;

    DuplicateKeyException(String key, String pointer) {
        super(List.of(new Violation(pointer, "duplicate key '" + key + "' at " + pointer
                + ": a key may appear only once in a JSON object")));
        this.key = key;
        this.pointer = pointer;
    }

    /** The repeated key. */
    public String key() {
        return key;
    }

    /** A JSON Pointer to its second occurrence. */
    public String pointer() {
        return pointer;
    }
}
