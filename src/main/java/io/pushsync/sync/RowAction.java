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

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
