package io.pushsync.sync;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Validated connection settings of one request. Fields the catalog marks secret are held as {@link Secret};
 * {@code toString()} shows only the non-secret ones.
 */
public final class Connection {

    private final Map<String, String> plain;
    private final Map<String, Secret> secrets;

    public Connection(Map<String, String> plain, Map<String, Secret> secrets) {
        this.plain = Collections.unmodifiableMap(new LinkedHashMap<>(plain));
        this.secrets = Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    }

    public String value(String name) {
        String v = plain.get(name);
        if (v == null) {
            throw new NoSuchElementException("no connection field " + name);
        }
        return v;
    }

    public Secret secret(String name) {
        Secret s = secrets.get(name);
        if (s == null) {
            throw new NoSuchElementException("no secret connection field " + name);
        }
        return s;
    }

    public Set<String> secretNames() {
        return secrets.keySet();
    }

    @Override
    public String toString() {
        return "Connection" + plain + " secrets=" + secrets.keySet();
    }
}
