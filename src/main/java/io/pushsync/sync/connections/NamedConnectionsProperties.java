package io.pushsync.sync.connections;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code pushsync.connections.<name>.*}: connections defined on the server, so that callers name them
 * ({@code "connectionRef"}) instead of carrying vendor secrets in every request.
 *
 * <p>Each definition is bound as plain strings (its {@code type} and that type's connection fields in kebab case,
 * e.g. {@code region}, {@code app-token}; {@code list-ids} for types with a {@code listId} option), so that binding
 * itself never fails and never reports a value: {@link NamedConnections} checks every definition against the
 * destination catalog at start-up and names only keys in its messages.
 *
 * @param connections definition name -> its keys and values, as bound
 */
@ConfigurationProperties("pushsync")
public record NamedConnectionsProperties(Map<String, Map<String, String>> connections) {

    public NamedConnectionsProperties {
        connections = connections == null ? Map.of() : connections;
    }
}
