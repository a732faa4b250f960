package io.pushsync.sync;

import java.util.Map;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Arrays;

/**
 * The field names of a row, in order, as a node of a tree of the name sequences seen (one tree per request or
 * per stretch of a job's rows): rows with the same names walk to the same node and share its names and index.
 *
 * <p>What the tree holds grows with the names read, never faster: a node holds one name and its first child (a
 * map of the others only when there are several); the array of a node's names is made only for a node that ends
 * a row, once; the index of names is made only for such a node with more than a few names, when a name is
 * looked up. Past {@value #MAX_TREE_NODES} nodes the tree takes no more: a row whose names leave it gets a shape
 * of its own (its names in one array), as a plain per-row map would hold them.
 */
public final class RowShape {
    private static final int LINEAR_SCAN = 8;
    private static final String[] NO_KEYS = new String[0];
    /** Nodes of one tree at most (each a name of some row); beyond, rows with new names have shapes of their own. */
    static final int MAX_TREE_NODES = 16_384;

    final Tree tree;
    /** The last name of this node's sequence (null for the root and for shapes of their own). */
    private final String key;
    /** The first child: most nodes have one, found without a lock or a hash. */
    private volatile RowShape first;
    /** The other children, by name (guarded by the tree). */
    private volatile Map<String, RowShape> more;
    /** The names, made when a row ends here (for the root and shapes of their own: at once). */
    volatile String[] keys;
    /** Where each name is (open addressing: a slot holds its position + 1, 0 when free), made when looked up. */
    private volatile int[] index;

    private RowShape(Tree tree, String key, String[] keys) {
        this.tree = tree;
        this.key = key;
        this.keys = keys;
    }

    /** The empty shape, the root of a new tree: one per request (the tree only grows). */
    public static RowShape root() {
        return new Tree(MAX_TREE_NODES).root;
    }

    /** A root whose tree takes at most {@code maxNodes} nodes (for tests). */
    static RowShape root(int maxNodes) {
        return new Tree(maxNodes).root;
    }

    /** How many nodes this shape's tree has (the root not counted). */
    int nodes() {
        return tree.nodes.get();
    }

    /**
     * How many names the shapes of this tree hold, their own included: the names of every shape's array and the
     * entries of every index. It grows with the names read, not faster.
     */
    long namesHeld() {
        return tree.namesHeld.get();
    }

    /** The child for {@code name} if this tree has it. */
    RowShape existingChild(String name) {
        RowShape f = first;
        if (f == null) {
            return null;
        }
        if (f.key.equals(name)) {
            return f;
        }
        if (more == null) {
            return null;
        }
        synchronized (tree) {
            return more.get(name);
        }
    }

    /** A new child for {@code name} (not among this node's names), or null when the tree is full. */
    RowShape newChild(String name) {
        synchronized (tree) {
            RowShape existing = existingChild(name);
            if (existing != null) {
                return existing;
            }
            if (tree.nodes.get() >= tree.maxNodes) {
                return null;
            }
            RowShape child = new RowShape(tree, name, null);
            if (first == null) {
                first = child;
            } else {
                Map<String, RowShape> m = more == null ? new HashMap<>(4) : more;
                m.put(name, child);
                more = m;
            }
            tree.nodes.incrementAndGet();
            return child;
        }
    }

    /** This node as a row's shape, its names being {@code names[0..n)}. */
    RowShape ending(String[] names, int n) {
        if (keys == null) {
            synchronized (tree) {
                if (keys == null) {
                    keys = Arrays.copyOf(names, n);
                    tree.namesHeld.addAndGet(n);
                }
            }
        }
        return this;
    }

    /** A shape of its own, outside the tree (which is full). */
    RowShape own(String[] names, int n) {
        tree.namesHeld.addAndGet(n);
        return new RowShape(tree, null, Arrays.copyOf(names, n));
    }

    int indexOf(Object key) {
        String[] k = keys;
        if (k.length <= LINEAR_SCAN) {
            for (int i = 0; i < k.length; i++) {
                if (k[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }
        if (!(key instanceof String name)) {
            return -1;
        }
        int[] ix = index;
        if (ix == null) {
            ix = index(k);
            if (index == null) {
                tree.namesHeld.addAndGet(k.length);
            }
            index = ix;
        }
        int hash = name.hashCode();
        int mask = ix.length - 1;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            int at = ix[slot];
            if (at == 0) {
                return -1;
            }
            String candidate = k[at - 1];
            if (candidate.hashCode() == hash && candidate.equals(name)) {
                return at - 1;
            }
        }
    }

    /** An index of {@code names} (all different): a table at most half full, 8 to 16 bytes a name. */
    private static int[] index(String[] names) {
        int[] table = new int[Integer.highestOneBit(names.length * 2 - 1) << 1];
        int mask = table.length - 1;
        for (int i = 0; i < names.length; i++) {
            int slot = spread(names[i].hashCode()) & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            table[slot] = i + 1;
        }
        return table;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    /** What the shapes of one tree share: its root, its size and what it holds. */
    static final class Tree {
        final int maxNodes;
        final AtomicInteger nodes = new AtomicInteger();
        final AtomicLong namesHeld = new AtomicLong();
        final RowShape root;

        Tree(int maxNodes) {
            this.maxNodes = maxNodes;
            this.root = new RowShape(this, null, RowShape.NO_KEYS);
        }
    }
}
