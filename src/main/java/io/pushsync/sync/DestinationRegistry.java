package io.pushsync.sync;

import io.pushsync.sync.catalog.DestinationDescriptor;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** Every registered {@link Destination}, by type. Two adapters claiming one type stop the start-up. */
@Component
public class DestinationRegistry {

    private final Map<String, Destination> byType;

    public DestinationRegistry(List<Destination> destinations) {
        Map<String, Destination> map = new TreeMap<>();
        for (Destination d : destinations) {
            Destination previous = map.putIfAbsent(d.type(), d);
            if (previous != null) {
                throw new IllegalStateException("two destinations claim the type '" + d.type() + "': "
                        + previous.getClass().getName() + " and " + d.getClass().getName());
            }
        }
        this.byType = Collections.unmodifiableMap(map);
    }

    public Optional<Destination> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public Destination get(String type) {
        return find(type).orElseThrow(() -> new UnknownDestinationException(type, byType.keySet()));
    }

    public List<DestinationDescriptor> catalog() {
        return byType.values().stream().map(Destination::descriptor).toList();
    }
}
