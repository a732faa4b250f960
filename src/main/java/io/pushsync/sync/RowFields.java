package io.pushsync.sync;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A row's fields, read-only and compact: the values in an array, the field names in a {@link Shape} that every row
 * with the same names in the same order shares. A 100,000-row batch whose rows carry the same columns holds one
 * copy of the names and one small index, instead of a hash map per row.
 */
public final class RowFields extends AbstractMap<String, JsonNode> {

    private static final RowFields EMPTY = new RowFields(Shape.root(), new JsonNode[0]);

    private final Shape shape;
    private final JsonNode[] values;

    private RowFields(Shape shape, JsonNode[] values) {
        this.shape = shape;
        this.values = values;
    }

    public static RowFields empty() {
        return EMPTY;
    }

    /** A copy of {@code fields} in its iteration order (for rows built in code, as tests and adapters do). */
    public static RowFields copyOf(Map<String, JsonNode> fields) {
        if (fields instanceof RowFields r) {
            return r;
        }
        Builder b = new Builder(Shape.root());
        fields.forEach(b::put);
        return b.build();
    }

    /** These fields without the null values (the same instance when there is none). */
    public RowFields withoutNulls() {
        int nulls = 0;
        for (JsonNode v : values) {
            if (v.isNull()) {
                nulls++;
            }
        }
        if (nulls == 0) {
            return this;
        }
        Builder b = new Builder(shape.root);
        for (int i = 0; i < values.length; i++) {
            if (!values[i].isNull()) {
                b.put(shape.keys[i], values[i]);
            }
        }
        return b.build();
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return shape.indexOf(key) >= 0;
    }

    @Override
    public JsonNode get(Object key) {
        int i = shape.indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public Set<Entry<String, JsonNode>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, JsonNode>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, JsonNode> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(shape.keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }

    /**
     * The field names of a row, in order, as a node of a tree of all the name sequences seen (one tree per
     * request): rows with the same names walk to the same node and share its arrays. Names are looked up by a small
     * index, built once per shape.
     */
    public static final class Shape {
        private static final int LINEAR_SCAN = 8;

        private final Shape root;
        private final String[] keys;
        private final Map<String, Shape> children = new HashMap<>(4);
        private volatile Map<String, Integer> index;

        private Shape(Shape root, String[] keys) {
            this.root = root == null ? this : root;
            this.keys = keys;
        }

        /** The empty shape, the root of a new tree: one per request (the tree only grows). */
        public static Shape root() {
            return new Shape(null, new String[0]);
        }

        synchronized Shape child(String key) {
            return children.computeIfAbsent(key, k -> {
                String[] longer = Arrays.copyOf(keys, keys.length + 1);
                longer[keys.length] = k;
                return new Shape(root, longer);
            });
        }

        int indexOf(Object key) {
            if (keys.length <= LINEAR_SCAN) {
                for (int i = 0; i < keys.length; i++) {
                    if (keys[i].equals(key)) {
                        return i;
                    }
                }
                return -1;
            }
            Map<String, Integer> ix = index;
            if (ix == null) {
                ix = new HashMap<>(keys.length * 2);
                for (int i = 0; i < keys.length; i++) {
                    ix.put(keys[i], i);
                }
                index = ix;
            }
            Integer i = ix.get(key);
            return i == null ? -1 : i;
        }
    }

    /** Collects one row's fields; a repeated name keeps its first position and takes the last value. */
    public static final class Builder {
        private final Shape root;
        private Shape shape;
        private JsonNode[] values = new JsonNode[8];

        public Builder(Shape root) {
            this.root = root;
            this.shape = root;
        }

        public Builder put(String key, JsonNode value) {
            int existing = shape.indexOf(key);
            if (existing >= 0) {
                values[existing] = value;
                return this;
            }
            int n = shape.keys.length;
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n] = value;
            shape = shape.child(key);
            return this;
        }

        public RowFields build() {
            RowFields built = new RowFields(shape, Arrays.copyOf(values, shape.keys.length));
            shape = root;
            return built;
        }
    }
}
