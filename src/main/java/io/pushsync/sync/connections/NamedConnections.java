package io.pushsync.sync.connections;

import io.pushsync.sync.Connection;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.Secret;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The connections defined in {@code pushsync.connections}, checked at start-up against the destination catalog: the
 * type must be registered; each key must be one of that type's connection fields (kebab case: {@code app-token} is
 * the catalog's {@code appToken}) or {@code list-ids}; required fields must be there; values must satisfy the same
 * rules as an inline {@code connection} (allowed values, pattern). Anything wrong stops the start-up with one
 * message naming every offending key, and never a value.
 *
 * <p>Keys are matched ignoring case, dashes, dots and underscores, so that environment variables
 * ({@code PUSHSYNC_CONNECTIONS_CRMEU_APP_TOKEN} binds as {@code app.token}) work as well as YAML.
 */
@Component
public class NamedConnections {

    static final String PREFIX = "pushsync.connections.";
    static final String TYPE = "type";
    static final String LIST_IDS = "list-ids";
    /** The option a type must have on one of its object types for {@code list-ids} to make sense. */
    static final String LIST_ID_OPTION = "listId";
    private static final Pattern INDEXED = Pattern.compile("^(.*?)(?:\\[(\\d+)]|\\.(\\d+))$");

    private final Map<String, NamedConnection> byName;

    @Autowired
    public NamedConnections(NamedConnectionsProperties properties, DestinationRegistry destinations) {
        List<String> problems = new ArrayList<>();
        Map<String, NamedConnection> map = new TreeMap<>();
        properties.connections().forEach((name, keys) -> {
            NamedConnection c = definition(name, keys == null ? Map.of() : keys, destinations, problems);
            if (c != null) {
                map.put(name, c);
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid named connection" + (problems.size() > 1 ? "s" : "") + ": "
                    + String.join("; ", problems));
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    private NamedConnections() {
        this.byName = Map.of();
    }

    /** No named connections (for code that builds the core by hand). */
    public static NamedConnections none() {
        return new NamedConnections();
    }

    public Optional<NamedConnection> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public List<ConnectionSummary> summaries() {
        return byName.values().stream().map(NamedConnection::summary).toList();
    }

    private static NamedConnection definition(String name, Map<String, String> keys, DestinationRegistry destinations,
            List<String> problems) {
        String base = PREFIX + name + ".";
        List<String> types = destinations.catalog().stream().map(DestinationDescriptor::type).toList();
        String type = null;
        Map<String, String> fields = new LinkedHashMap<>(); // normalised key -> value
        Map<String, String> given = new LinkedHashMap<>(); // normalised key -> key as given
        TreeMap<Integer, String> indexedListIds = new TreeMap<>();
        String listIds = null;
        for (Map.Entry<String, String> e : keys.entrySet()) {
            String key = e.getKey();
            Matcher indexed = INDEXED.matcher(key);
            if (indexed.matches() && normalise(indexed.group(1)).equals(normalise(LIST_IDS))) {
                String index = indexed.group(2) != null ? indexed.group(2) : indexed.group(3);
                indexedListIds.put(Integer.parseInt(index), e.getValue());
                given.putIfAbsent(normalise(LIST_IDS), LIST_IDS);
                continue;
            }
            String n = normalise(key);
            if (n.equals(TYPE)) {
                type = e.getValue() == null ? null : e.getValue().trim();
            } else if (n.equals(normalise(LIST_IDS))) {
                listIds = e.getValue();
                given.putIfAbsent(n, LIST_IDS);
            } else {
                fields.put(n, e.getValue());
                given.put(n, key);
            }
        }
        if (type == null || type.isEmpty()) {
            problems.add(base + "type is required (one of " + types + ")");
            return null;
        }
        Optional<DestinationDescriptor> found = destinations.find(type).map(d -> d.descriptor());
        if (found.isEmpty()) {
            problems.add(base + "type must be one of " + types + ", not '" + type + "'");
            return null;
        }
        DestinationDescriptor d = found.get();
        int before = problems.size();
        Map<String, ConnectionField> known = new LinkedHashMap<>();
        for (ConnectionField f : d.connection()) {
            known.put(normalise(f.name()), f);
        }
        boolean takesLists = d.objectTypes().stream()
                .anyMatch(o -> o.options().stream().anyMatch(opt -> opt.name().equals(LIST_ID_OPTION)));
        List<String> expected = new ArrayList<>(d.connection().stream().map(f -> kebab(f.name())).toList());
        if (takesLists) {
            expected.add(LIST_IDS);
        }
        for (String n : fields.keySet()) {
            if (!known.containsKey(n)) {
                problems.add(base + given.get(n) + " is not a connection field of type " + type + "; expected "
                        + expected);
            }
        }
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, Secret> secrets = new LinkedHashMap<>();
        for (Map.Entry<String, ConnectionField> k : known.entrySet()) {
            ConnectionField f = k.getValue();
            String key = base + kebab(f.name());
            String value = fields.get(k.getKey());
            if (value == null || value.isBlank()) {
                if (f.required()) {
                    problems.add(key + " is required for type " + type);
                }
                continue;
            }
            String trimmed = value.trim();
            String problem = f.problem(trimmed);
            if (problem != null) {
                problems.add(key + " " + problem + " for type " + type);
                continue;
            }
            if (f.secret()) {
                secrets.put(f.name(), Secret.of(trimmed));
            } else {
                plain.put(f.name(), trimmed);
            }
        }
        java.util.Set<String> present = new java.util.HashSet<>();
        known.forEach((normalised, f) -> {
            String value = fields.get(normalised);
            if (value != null && !value.isBlank()) {
                present.add(f.name());
            }
        });
        for (var problem : d.credentials().problems(present, NamedConnections::kebab)) {
            problems.add(problem.field() == null ? base.substring(0, base.length() - 1) + ": " + problem.message()
                    : base + kebab(problem.field()) + ": " + problem.message());
        }
        List<Long> lists = new ArrayList<>();
        boolean hasLists = listIds != null || !indexedListIds.isEmpty();
        if (hasLists && !takesLists) {
            problems.add(base + LIST_IDS + " is not allowed for type " + type + " (only for types whose object "
                    + "types take a " + LIST_ID_OPTION + " option)");
        } else if (hasLists) {
            List<String> raw = new ArrayList<>(indexedListIds.values());
            if (listIds != null) {
                raw.addAll(List.of(listIds.split(",")));
            }
            for (String r : raw) {
                Long id = positive(r);
                if (id == null) {
                    problems.add(base + LIST_IDS + " must be positive integers, not '" + r.trim() + "'");
                    break;
                }
                lists.add(id);
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new NamedConnection(name, type, new Connection(plain, secrets), lists);
    }

    private static Long positive(String s) {
        if (s == null) {
            return null;
        }
        try {
            long v = Long.parseLong(s.trim());
            return v > 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code app-token}, {@code appToken}, {@code app.token}, {@code APP_TOKEN} -> {@code apptoken}. */
    static String normalise(String key) {
        return key.replaceAll("[-._]", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code appToken} -> {@code app-token}. */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
