package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A field every row needs; any one of {@code name} and {@code alternatives} satisfies it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RequiredField(String name, List<String> alternatives) {

    public static RequiredField of(String name, String... alternatives) {
        return new RequiredField(name, List.of(alternatives));
    }
}
