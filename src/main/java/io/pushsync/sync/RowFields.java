package io.pushsync.sync;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A row's fields, read-only and compact: the values in an array, the field names in a {@link RowShape} that every row
 * with the same names in the same order shares. A 100,000-row batch whose rows carry the same columns holds one
 * copy of the names and one small index, instead of a hash map per row.
 *
 * <p>A row read with a field limit ({@link Builder#Builder(RowShape, int)}) that has more fields than that keeps none
 * of them: it is empty, and {@link #fieldsSent()} says how many it had.
 */
public final class RowFields extends AbstractMap<String, JsonNode> {

    private static final JsonNode[] NO_VALUES = new JsonNode[0];
    private static final RowFields EMPTY = new RowFields(RowShape.root(), NO_VALUES, 0);

    private final RowShape shape;
    private final JsonNode[] values;
    private final int sent;

    private RowFields(RowShape shape, JsonNode[] values, int sent) {
        this.shape = shape;
        this.values = values;
        this.sent = sent;
    }

    public static RowFields empty() {
        return EMPTY;
    }

    /** A copy of {@code fields} in its iteration order (for rows built in code, as tests and adapters do). */
    public static RowFields copyOf(Map<String, JsonNode> fields) {
        if (fields instanceof RowFields r) {
            return r;
        }
        Builder b = new Builder(RowShape.root());
        fields.forEach(b::put);
        return b.build();
    }

    /**
     * How many fields the row was sent with: {@link #size()}, but for a row over the field limit it was read with,
     * which keeps none of them.
     */
    public int fieldsSent() {
        return sent;
    }

    /** How many fields {@code fields} were sent with ({@link #fieldsSent()} for {@link RowFields}). */
    public static int fieldsSent(Map<String, JsonNode> fields) {
        return fields instanceof RowFields r ? r.sent : fields.size();
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
        Builder b = new Builder(shape.tree.root);
        String[] keys = shape.keys;
        for (int i = 0; i < values.length; i++) {
            if (!values[i].isNull()) {
                b.put(keys[i], values[i]);
            }
        }
        return b.build();
    }

    /**
     * These fields with {@code from} named {@code to} (a Census record keyed by an identifier alias becomes a row with
     * the canonical identifier): the value of {@code from} takes the place of a field {@code to} if there is one (whose
     * value is dropped), else it comes last; the other fields keep their order. The same instance when there is no
     * field {@code from}. Linear in the number of fields; the names stay in the same tree of shapes.
     */
    public RowFields renamed(String from, String to) {
        int at = shape.indexOf(from);
        if (at < 0 || from.equals(to)) {
            return this;
        }
        JsonNode moved = values[at];
        Builder b = new Builder(shape.tree.root);
        String[] keys = shape.keys;
        boolean placed = false;
        for (int i = 0; i < values.length; i++) {
            if (i == at) {
                continue;
            }
            if (keys[i].equals(to)) {
                b.put(to, moved);
                placed = true;
            } else {
                b.put(keys[i], values[i]);
            }
        }
        if (!placed) {
            b.put(to, moved);
        }
        return b.build();
    }

    /** The shape of these fields (for tests of how much the shapes of a request hold). */
    RowShape shape() {
        return shape;
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
     * Collects one row's fields at a time. A name given twice in a row is refused ({@link #put} answers false). A
     * row that gets more than its field limit keeps none of its fields: the rest of its names are only checked for
     * repeats, and {@link #build()} gives an empty {@link RowFields} that says how many there were.
     */
    public static final class Builder {
        /** Names of a row compared one by one at most; past this many, a set of them answers. */
        private static final int SCAN = 16;

        private final RowShape root;
        private final int maxFields;
        /** Where this row's names lead in the tree, or null once they left it (it is full). */
        private RowShape shape;
        private String[] keys = new String[8];
        private JsonNode[] values = new JsonNode[8];
        /** Names put in this row (kept or, past the limit, only counted). */
        private int size;
        /** This row's names once there are many of them: its first {@link #seenUpTo} names, then all past the limit. */
        private HashSet<String> seen;
        private int seenUpTo;

        public Builder(RowShape root) {
            this(root, Integer.MAX_VALUE);
        }

        /** A builder whose rows keep no fields when they have more than {@code maxFields}. */
        public Builder(RowShape root, int maxFields) {
            this.root = root;
            this.maxFields = maxFields;
            this.shape = root;
        }

        /**
         * Adds a field to the row being built.
         *
         * @return false (and nothing added) when the row has a field of that name already
         */
        public boolean put(String key, JsonNode value) {
            int n = size;
            if (n >= maxFields) {
                return putOverLimit(key);
            }
            RowShape next = shape == null ? null : shape.existingChild(key);
            if (next == null) {
                // a node's children never repeat its names: only a step off the known paths needs a look
                if (seenBefore(key, n)) {
                    return false;
                }
                if (shape != null) {
                    next = shape.newChild(key);
                }
            }
            if (n == keys.length) {
                keys = Arrays.copyOf(keys, n * 2);
                values = Arrays.copyOf(values, n * 2);
            }
            keys[n] = key;
            values[n] = value;
            size = n + 1;
            shape = next;
            return true;
        }

        /** Whether {@code key} is among this row's first {@code n} names. */
        private boolean seenBefore(String key, int n) {
            if (n <= SCAN) {
                for (int i = 0; i < n; i++) {
                    if (keys[i].equals(key)) {
                        return true;
                    }
                }
                return false;
            }
            return names(n).contains(key);
        }

        /** The set of this row's first {@code n} names. */
        private HashSet<String> names(int n) {
            if (seen == null) {
                seen = new HashSet<>(Math.max(64, n * 2));
            }
            while (seenUpTo < n) {
                seen.add(keys[seenUpTo++]);
            }
            return seen;
        }

        private boolean putOverLimit(String key) {
            if (!names(maxFields).add(key)) {
                return false;
            }
            size++;
            return true;
        }

        /** The row's fields; the builder starts a new row. */
        public RowFields build() {
            int n = size;
            RowFields built;
            if (n > maxFields) {
                built = new RowFields(root, NO_VALUES, n);
            } else {
                RowShape s = shape != null ? shape.ending(keys, n) : root.own(keys, n);
                built = new RowFields(s, Arrays.copyOf(values, n), n);
            }
            shape = root;
            size = 0;
            if (seen != null && (seenUpTo > 0 || n > maxFields)) {
                if (seen.size() > 1024) {
                    seen = null; // a row of very many names: its set is not kept for the next rows
                } else {
                    seen.clear();
                }
            }
            seenUpTo = 0;
            return built;
        }
    }
}
