package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A field of a destination's {@code connection}; {@code secret} ones never leave the service. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConnectionField(String name, String label, boolean secret, boolean required, List<String> allowedValues) {

    public static ConnectionField secret(String name, String label) {
        return new ConnectionField(name, label, true, true, List.of());
    }

    public static ConnectionField plain(String name, String label, List<String> allowedValues) {
        return new ConnectionField(name, label, false, true, allowedValues);
    }
}
