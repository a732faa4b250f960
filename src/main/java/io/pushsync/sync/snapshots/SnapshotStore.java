package io.pushsync.sync.snapshots;

/**
 * Where the snapshots of {@code mode: "replace"} live: for each target (an opaque key, {@link Snapshots#target}), the
 * members last delivered to the vendor, each as a 64-bit hash ({@link MemberHash}) and the member as sent (needed
 * to send its removal). The in-process store keeps them in an embedded on-disk store that survives a restart; the
 * Redis store shares them between replicas.
 *
 * <p>Only the holder of a target's {@link #lease} reads or changes its snapshot.
 */
public interface SnapshotStore {

    /**
     * Takes the target for one replace run, across every replica sharing the store.
     *
     * @throws SnapshotBusyException when another run holds it
     */
    Lease lease(String target);

    /** Whether the target has a snapshot (possibly empty). */
    boolean exists(String target);

    /** Calls {@code members} with every member of the target's snapshot, in ascending (signed) hash order. */
    void forEach(String target, Members members);

    /**
     * Adds {@code added} and drops the members with the hashes {@code removed}, creating the snapshot when there is
     * none (even when both are empty). Durable when it returns.
     */
    void apply(String target, Changes changes);

    /** Forgets the target's snapshot; whether there was one. */
    boolean forget(String target);

    /** A held target; closing frees it. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    @FunctionalInterface
    interface Members {
        void accept(long hash, String member);
    }

    /** Members to add (hash, member) and hashes to remove, in no particular order. */
    final class Changes {
        private final java.util.Map<Long, String> added = new java.util.HashMap<>();
        private final java.util.Set<Long> removed = new java.util.HashSet<>();

        public void add(long hash, String member) {
            added.put(hash, member);
            removed.remove(hash);
        }

        public void remove(long hash) {
            removed.add(hash);
            added.remove(hash);
        }

        public java.util.Map<Long, String> added() {
            return added;
        }

        public java.util.Set<Long> removed() {
            return removed;
        }

        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty();
        }

        /** How many members are added or removed. */
        public int size() {
            return added.size() + removed.size();
        }
    }
}
