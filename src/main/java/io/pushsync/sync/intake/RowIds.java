package io.pushsync.sync.intake;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Finds row ids used twice in one request. {@link #exact(int)} keeps every id (a batch, whose rows are in memory
 * anyway); {@link #hashed(int)} keeps a 64-bit hash per row (8 bytes, a million-row job in 8 MB) and, after the
 * pass, gives the exact check of a second pass over only the ids whose hash was seen twice.
 */
abstract class RowIds {

    /** The index of the row that used {@code id} first, or -1 when none did; records {@code index} as a use. */
    abstract int firstUse(String id, int index);

    /** The exact check, sized for {@code rows} ids (no table growth on the way). */
    static RowIds exact(int rows) {
        return new Exact(null, rows);
    }

    /** Checks nothing (rows already validated). */
    static RowIds none() {
        return new RowIds() {
            @Override
            int firstUse(String id, int index) {
                return -1;
            }
        };
    }

    static Hashed hashed(int rows) {
        return new Hashed(rows);
    }

    /** Records hashes only; {@link #firstUse} never reports a duplicate. */
    static final class Hashed extends RowIds {
        private long[] hashes;
        private int count;

        private Hashed(int rows) {
            this.hashes = new long[Math.max(rows, 16)];
        }

        @Override
        int firstUse(String id, int index) {
            if (count == hashes.length) {
                hashes = Arrays.copyOf(hashes, count * 2);
            }
            hashes[count++] = hash(id);
            return -1;
        }

        /**
         * The exact check for a second pass, restricted to the ids whose hash came up more than once; null when no
         * hash did (then no id is used twice). Frees the hashes.
         */
        RowIds collisions() {
            long[] sorted = hashes;
            hashes = null;
            Arrays.sort(sorted, 0, count);
            Set<Long> twice = new HashSet<>();
            for (int i = 1; i < count; i++) {
                if (sorted[i] == sorted[i - 1]) {
                    twice.add(sorted[i]);
                }
            }
            return twice.isEmpty() ? null : new Exact(twice, 2 * twice.size()); // each hash came from two ids or more
        }
    }

    private static final class Exact extends RowIds {
        private final Map<String, Integer> seen;
        private final Set<Long> only;

        Exact(Set<Long> only, int rows) {
            this.only = only;
            // a HashMap, not an open table of its own: ids chosen to share a hashCode end in a balanced tree
            this.seen = new HashMap<>((int) Math.min(1 << 30, rows / 0.75 + 1));
        }

        @Override
        int firstUse(String id, int index) {
            if (only != null && !only.contains(hash(id))) {
                return -1;
            }
            Integer first = seen.putIfAbsent(id, index);
            return first == null ? -1 : first;
        }
    }

    /** FNV-1a over the UTF-16 units, then the MurmurHash3 finaliser to spread the bits. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93c185ce53bL;
        return h ^ (h >>> 33);
    }
}
