package io.pushsync.sync.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * One entry of the catalog ({@code GET /v1/destinations/{type}}). {@code credentialKinds} lists the alternative
 * credential field sets where there are several (empty otherwise): a connection gives exactly one.
 */
public record DestinationDescriptor(
        String type, String label, List<ConnectionField> connection, List<ObjectTypeDescriptor> objectTypes,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<List<String>> credentialKinds) {

    public DestinationDescriptor(String type, String label, List<ConnectionField> connection,
            List<ObjectTypeDescriptor> objectTypes) {
        this(type, label, connection, objectTypes, List.of());
    }

    /** The rule of {@link #credentialKinds}. */
    public CredentialKinds credentials() {
        return new CredentialKinds(credentialKinds);
    }

    public Optional<ObjectTypeDescriptor> objectType(String name) {
        return objectTypes.stream().filter(o -> o.name().equals(name)).findFirst();
    }
}
