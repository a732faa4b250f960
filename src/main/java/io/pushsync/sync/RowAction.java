package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a dry run's vendor request would do to a row ({@link RowStatus#PLANNED}): {@code upsert} a profile or
 * subscription, {@code add} to or {@code remove} from a list, {@code unsubscribe}, {@code tag} or {@code untag} a
 * subscription.
 */
public enum RowAction {
    UPSERT, ADD, REMOVE, UNSUBSCRIBE, TAG, UNTAG;

    /** The name on the wire, made once (an answer writes one per row). */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
