package io.pushsync.sync.connections;

import io.pushsync.sync.Connection;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.Secret;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
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
 *
 * <p>Names (and keys of one definition) that are equal that way but spelled differently, e.g. {@code crm-eu} in YAML
 * and {@code PUSHSYNC_CONNECTIONS_CRMEU_*} in the environment, are one connection given twice: the binder would merge
 * them silently, so they stop the start-up too, naming each spelling and where it came from (a file and line, an
 * environment variable's name). The same spelling in several sources is Spring's ordinary override.
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

    /**
     * @param environment where the definitions were bound from, to name the source of each spelling in a collision
     *     message; null names spellings only
     */
    @Autowired
    public NamedConnections(NamedConnectionsProperties properties, DestinationRegistry destinations,
            Environment environment) {
        List<String> problems = new ArrayList<>();
        Map<String, NamedConnection> map = new TreeMap<>();
        Origins origins = Origins.of(environment);
        Set<String> colliding = collisions(properties.connections().keySet(), origins, problems);
        properties.connections().forEach((name, keys) -> {
            if (colliding.contains(name)) {
                return; // the binder merged the spellings' keys into each: nothing in them is reliable
            }
            NamedConnection c = definition(name, keys == null ? Map.of() : keys, destinations, origins, problems);
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

    /** Without the environment: a collision names the spellings but not where they came from. */
    public NamedConnections(NamedConnectionsProperties properties, DestinationRegistry destinations) {
        this(properties, destinations, null);
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

    /**
     * Names that are one name once {@link #normalise normalised} ({@code crm-eu} in YAML, {@code CRMEU} in the
     * environment): Spring's binder would merge their keys silently (list ids unioned, one token winning), so each
     * such group is a problem naming every spelling and where it came from. Returns the names of all groups.
     */
    private static Set<String> collisions(Set<String> names, Origins origins, List<String> problems) {
        Map<String, Set<String>> byNormalised = new TreeMap<>();
        for (String name : names) {
            byNormalised.computeIfAbsent(normalise(name), n -> new TreeSet<>()).add(name);
        }
        Set<String> colliding = new HashSet<>();
        for (Set<String> spellings : byNormalised.values()) {
            if (spellings.size() > 1) {
                colliding.addAll(spellings);
                problems.add(PREFIX.substring(0, PREFIX.length() - 1) + ": " + spellings.stream()
                        .map(spelling -> "'" + spelling + "'" + origins.of(spelling, null))
                        .collect(Collectors.joining(" and ")) + " are one connection name (case, '-', '_' and "
                        + "'.' are ignored), defined in different spellings; define it once, spelled the same "
                        + "way in every source (an environment variable cannot carry a '-': use a name without one)");
            }
        }
        return colliding;
    }

    /** How {@code key} is given: itself, or {@code list-ids[n]} for any element of an indexed {@code list-ids}. */
    private static String spelled(String key) {
        Matcher indexed = INDEXED.matcher(key);
        return indexed.matches() && normalise(indexed.group(1)).equals(normalise(LIST_IDS))
                ? indexed.group(1) + "[n]" : key;
    }

    private static NamedConnection definition(String name, Map<String, String> keys, DestinationRegistry destinations,
            Origins origins, List<String> problems) {
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
        Map<String, Set<String>> spellings = new LinkedHashMap<>(); // normalised key -> how it is given
        for (String key : keys.keySet()) {
            spellings.computeIfAbsent(normalise(spelled(key).replace("[n]", "")), n -> new TreeSet<>())
                    .add(spelled(key));
        }
        int beforeSpellings = problems.size();
        spellings.forEach((n, forms) -> {
            if (forms.size() > 1) {
                problems.add(base + forms.iterator().next().replace("[n]", "") + " is given in different spellings, "
                        + forms.stream().map(k -> "'" + k + "'" + origins.of(name, k))
                                .collect(Collectors.joining(" and "))
                        + ", which would be merged; give it once, spelled one way everywhere");
            }
        });
        if (problems.size() > beforeSpellings) {
            return null;
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

    /**
     * Where each spelling of a definition's name (and of each of its keys) came from: the origin of one of its
     * properties (a file and line, an environment variable's name) or the property source's name; never a value.
     */
    private static final class Origins {

        private static final ConfigurationPropertyName CONNECTIONS =
                ConfigurationPropertyName.of(PREFIX.substring(0, PREFIX.length() - 1));
        private static final Origins NONE = new Origins();

        /** name as spelled -> key as spelled ("" for the name itself) -> where, one per property source. */
        private final Map<String, Map<String, Set<String>>> where = new HashMap<>();

        static Origins of(Environment environment) {
            if (environment == null) {
                return NONE;
            }
            Origins origins = new Origins();
            for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
                if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                    continue;
                }
                Map<String, Set<String>> seen = new HashMap<>(); // one origin per spelling and source
                iterable.stream().filter(p -> CONNECTIONS.isAncestorOf(p) && p.getNumberOfElements() > 2)
                        .forEach(p -> {
                            int count = p.getNumberOfElements();
                            String name = p.getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
                            List<String> rest = new ArrayList<>();
                            for (int i = 3; i < count; i++) {
                                rest.add(p.getElement(i, ConfigurationPropertyName.Form.ORIGINAL));
                            }
                            String key = rest.isEmpty() ? "" : spelled(String.join(".", rest));
                            for (String k : rest.isEmpty() ? List.of("") : List.of("", key)) {
                                if (seen.computeIfAbsent(name, x -> new HashSet<>()).add(k)) {
                                    origins.where.computeIfAbsent(name, x -> new HashMap<>())
                                            .computeIfAbsent(k, x -> new LinkedHashSet<>())
                                            .add(describe(source, p));
                                }
                            }
                        });
            }
            return origins;
        }

        private static String describe(ConfigurationPropertySource source, ConfigurationPropertyName name) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            Origin origin = property == null ? null : property.getOrigin();
            if (origin != null) {
                return origin.toString();
            }
            Object underlying = source.getUnderlyingSource();
            return "property source '" + (underlying instanceof PropertySource<?> ps ? ps.getName() : underlying) + "'";
        }

        /** " (from ...)" for a name ({@code key} null) or one of its keys, or "" when unknown. */
        String of(String name, String key) {
            Set<String> found = where.getOrDefault(name, Map.of()).get(key == null ? "" : key);
            return found == null || found.isEmpty() ? "" : " (from " + String.join(", ", found) + ")";
        }
    }
}
