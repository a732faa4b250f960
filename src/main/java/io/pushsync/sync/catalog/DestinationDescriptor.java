package io.pushsync.sync.catalog;

import java.util.List;
import java.util.Optional;

/** One entry of the catalog ({@code GET /v1/destinations/{type}}). */
public record DestinationDescriptor(
        String type, String label, List<ConnectionField> connection, List<ObjectTypeDescriptor> objectTypes) {

    public Optional<ObjectTypeDescriptor> objectType(String name) {
        return objectTypes.stream().filter(o -> o.name().equals(name)).findFirst();
    }
}
