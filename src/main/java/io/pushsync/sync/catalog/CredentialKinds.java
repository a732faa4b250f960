package io.pushsync.sync.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a destination takes its credentials in more than one form (an Xtremepush app token, or an OAuth 2.0 client
 * id and secret): each kind is a set of connection fields, and a connection gives exactly one kind, complete. The
 * fields of every kind are declared optional in the catalog; this rule is checked for inline and named connections
 * alike.
 */
public record CredentialKinds(List<List<String>> kinds) {

    public static final CredentialKinds NONE = new CredentialKinds(List.of());

    /** A problem with a connection's credentials: the field it is about (null: the connection) and what is wrong. */
    public record Problem(String field, String message) {
    }

    /**
     * The problems of a connection whose present (non-blank) fields are {@code present}; empty when it gives exactly
     * one kind, complete. {@code display} names a field as its caller knows it (camelCase or kebab-case).
     */
    public List<Problem> problems(Set<String> present, java.util.function.UnaryOperator<String> display) {
        if (kinds.isEmpty()) {
            return List.of();
        }
        List<List<String>> touched = kinds.stream().filter(k -> k.stream().anyMatch(present::contains)).toList();
        String alternatives = kinds.stream()
                .map(k -> k.stream().map(display).collect(Collectors.joining(" and ")))
                .collect(Collectors.joining(", or "));
        if (touched.isEmpty()) {
            return List.of(new Problem(null, "credentials are required: " + alternatives));
        }
        if (touched.size() > 1) {
            String first = touched.get(1).stream().filter(present::contains).findFirst().orElseThrow();
            return List.of(new Problem(first, "give one kind of credentials, not several: " + alternatives));
        }
        List<Problem> problems = new ArrayList<>();
        for (String field : touched.get(0)) {
            if (!present.contains(field)) {
                String with = touched.get(0).stream().filter(present::contains).map(display)
                        .collect(Collectors.joining(" and "));
                problems.add(new Problem(field, display.apply(field) + " is required with " + with));
            }
        }
        return problems;
    }

    /** The fields of every kind: optional one by one in the catalog. */
    public Set<String> fields() {
        return kinds.stream().flatMap(List::stream).collect(Collectors.toUnmodifiableSet());
    }
}
