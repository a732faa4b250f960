package io.pushsync.sync.connections;

import io.pushsync.sync.Connection;
import java.util.List;

/**
 * A connection defined on the server ({@code pushsync.connections.<name>}); its secret fields are held as
 * {@link io.pushsync.sync.Secret}, so {@code toString()} shows none of them.
 *
 * @param name the definition's name, what a request gives as {@code connectionRef}
 * @param type the destination type it is for
 * @param connection the same validated connection an inline {@code connection} becomes
 * @param listIds lists offered to catalog-driven callers (types with a {@code listId} option only), maybe empty
 */
public record NamedConnection(String name, String type, Connection connection, List<Long> listIds) {

    public NamedConnection {
        listIds = List.copyOf(listIds);
    }

    /** What {@code GET /v1/connections} shows of it: never a connection field. */
    public ConnectionSummary summary() {
        return new ConnectionSummary(name, type, listIds);
    }
}
