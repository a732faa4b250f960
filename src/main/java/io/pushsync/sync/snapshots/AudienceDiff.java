package io.pushsync.sync.snapshots;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The difference between the audience of a replace request and its target's snapshot, held as member hashes: one
 * sorted array of the request's distinct members (8 bytes each) and two bits per member, plus the members of the
 * snapshot that the request no longer has (to be removed). The snapshot is read once, in hash order, and not kept.
 */
public final class AudienceDiff {

    /** What to do with a row's member. */
    public enum Verdict {
        /** Not in the snapshot: send its addition. */
        ADD,
        /** In the snapshot already: nothing to send. */
        UNCHANGED,
        /** An earlier row of the request names the same member. */
        REPEATED
    }

    private final long[] sorted;
    private final BitSet inSnapshot;
    private final BitSet seen;
    private final long[] removedHashes;
    private final String[] removedMembers;
    private final boolean created;

    private AudienceDiff(long[] sorted, BitSet inSnapshot, long[] removedHashes, String[] removedMembers,
            boolean created) {
        this.sorted = sorted;
        this.inSnapshot = inSnapshot;
        this.seen = new BitSet(sorted.length);
        this.removedHashes = removedHashes;
        this.removedMembers = removedMembers;
        this.created = created;
    }

    /**
     * Compares the request's member hashes ({@code hashes[0..count)}, in any order, repeats allowed; the array is
     * reordered) with the target's snapshot.
     */
    public static AudienceDiff compute(SnapshotStore store, String target, long[] hashes, int count) {
        Arrays.sort(hashes, 0, count);
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (distinct == 0 || hashes[distinct - 1] != hashes[i]) {
                hashes[distinct++] = hashes[i];
            }
        }
        long[] sorted = distinct == hashes.length ? hashes : Arrays.copyOf(hashes, distinct);
        BitSet inSnapshot = new BitSet(distinct);
        if (!store.exists(target)) {
            return new AudienceDiff(sorted, inSnapshot, new long[0], new String[0], true);
        }
        Removals removals = new Removals();
        store.forEach(target, (hash, member) -> {
            int at = Arrays.binarySearch(sorted, hash);
            if (at >= 0) {
                inSnapshot.set(at);
            } else {
                removals.add(hash, member);
            }
        });
        return new AudienceDiff(sorted, inSnapshot, Arrays.copyOf(removals.hashes, removals.size),
                Arrays.copyOf(removals.members, removals.size), false);
    }

    /** The verdict for the next row naming {@code hash}; call once per row, in row order. */
    public Verdict verdict(long hash) {
        int at = Arrays.binarySearch(sorted, hash);
        if (at < 0) {
            throw new IllegalArgumentException("a member that is not in the audience");
        }
        if (seen.get(at)) {
            return Verdict.REPEATED;
        }
        seen.set(at);
        return inSnapshot.get(at) ? Verdict.UNCHANGED : Verdict.ADD;
    }

    /** Whether the target had no snapshot: everything is added, nothing removed. */
    public boolean created() {
        return created;
    }

    /** How many members of the snapshot the request no longer has. */
    public int removals() {
        return removedHashes.length;
    }

    public long removedHash(int i) {
        return removedHashes[i];
    }

    public String removedMember(int i) {
        return removedMembers[i];
    }

    private static final class Removals {
        long[] hashes = new long[16];
        String[] members = new String[16];
        int size;

        void add(long hash, String member) {
            if (size == hashes.length) {
                hashes = Arrays.copyOf(hashes, size * 2);
                members = Arrays.copyOf(members, size * 2);
            }
            hashes[size] = hash;
            members[size++] = member;
        }
    }
}
