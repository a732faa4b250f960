package io.pushsync.sync.snapshots;

import io.pushsync.sync.Change;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.SyncOptions;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.catalog.ReplaceTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One replace run over a target: holds its lease for the run's whole length, knows the difference between the
 * request's audience and the snapshot ({@link AudienceDiff}), turns the request's rows into the {@code mirror} rows
 * the adapter sends (an addition per new member; members already in the snapshot are skipped {@code unchanged}),
 * makes a removal row for each member that is gone, and after each round of sending stores in the snapshot what the
 * vendor took ({@link #record}): an addition that failed is not stored, so the next run sends it again; a removal
 * that failed stays in the snapshot, so the next run removes it again.
 */
public final class ReplaceRun implements AutoCloseable {

    private final SnapshotStore store;
    private final String target;
    private final ReplaceTarget replace;
    private final SyncOptions options;
    private final Function<JsonNode, String> members;
    private final SnapshotStore.Lease lease;
    private final AudienceDiff diff;
    /** A dry run's: holds no lease, never writes the snapshot. */
    private final boolean preview;
    /** Rows sent since the last {@link #record}: by row index, the member's hash and the member. */
    private final Map<Integer, Member> pendingAdds = new HashMap<>();
    private final Map<Integer, Long> pendingRemovals = new HashMap<>();
    /** What the vendor took and the snapshot does not have yet ({@link #flush}). */
    private SnapshotStore.Changes unwritten = new SnapshotStore.Changes();
    private boolean written;
    private int maxPendingChanges = 100_000;
    private int removedConfirmed;

    private record Member(long hash, String value) {
    }

    private ReplaceRun(SnapshotStore store, String target, ReplaceTarget replace, SyncOptions options,
            Function<JsonNode, String> members, SnapshotStore.Lease lease, AudienceDiff diff, boolean preview) {
        this.preview = preview;
        this.members = members;
        this.store = store;
        this.target = target;
        this.replace = replace;
        this.options = options;
        this.lease = lease;
        this.diff = diff;
    }

    /**
     * Takes the target's lease and compares the audience with its snapshot.
     *
     * @param members the adapter's reading of a member field ({@code Destination#replaceMember})
     * @param hashes the {@link MemberHash} of every valid row's member ({@code [0, count)}; reordered here)
     * @throws SnapshotBusyException when another run holds the target
     */
    public static ReplaceRun open(SnapshotStore store, String target, ReplaceTarget replace, SyncOptions options,
            Function<JsonNode, String> members, long[] hashes, int count) {
        SnapshotStore.Lease lease = store.lease(target);
        try {
            return new ReplaceRun(store, target, replace, options, members, lease,
                    AudienceDiff.compute(store, target, hashes, count), false);
        } catch (RuntimeException | Error e) {
            lease.close();
            throw e;
        }
    }

    /**
     * A dry run's view of the difference: compares the audience with the target's snapshot as it is now, without
     * holding the target ({@link #close} frees nothing) and without ever writing the snapshot ({@link #record} does
     * nothing).
     */
    public static ReplaceRun preview(SnapshotStore store, String target, ReplaceTarget replace, SyncOptions options,
            Function<JsonNode, String> members, long[] hashes, int count) {
        return new ReplaceRun(store, target, replace, options, members, () -> {
        }, AudienceDiff.compute(store, target, hashes, count), true);
    }

    /**
     * Adds the {@link MemberHash} of each row's member to {@code hashes} from {@code count} on (rows naming no member
     * are left out) and returns the new count; {@code hashes} has room for every row.
     */
    public static int hashMembers(List<SyncRow> rows, ReplaceTarget replace, Function<JsonNode, String> members,
            long[] hashes, int count) {
        for (SyncRow row : rows) {
            String member = member(row, replace, members);
            if (member != null) {
                hashes[count++] = MemberHash.of(member);
            }
        }
        return count;
    }

    /** The member a row names, as the vendor knows it, or null when it names none (the row then fails). */
    public static String member(SyncRow row, ReplaceTarget replace, Function<JsonNode, String> members) {
        return members.apply(row.fields().get(replace.memberField()));
    }

    public boolean created() {
        return diff.created();
    }

    public int removals() {
        return diff.removals();
    }

    /** The member of removal {@code i} (its row id in the results). */
    public String removedMember(int i) {
        return diff.removedMember(i);
    }

    /** Members whose removal the vendor took so far. */
    public int removedConfirmed() {
        return removedConfirmed;
    }

    /**
     * The rows to send for these request rows, in order: an addition for each member new to the target; every other
     * row is answered here, {@code skipped} with {@code unchanged}.
     */
    public List<SyncRow> additions(List<SyncRow> rows, RowResults results) {
        List<SyncRow> out = new ArrayList<>(rows.size());
        for (SyncRow row : rows) {
            String member = member(row, replace, members);
            if (member == null) {
                results.failed(row.index(), RowError.of(ErrorCode.INVALID_FIELD, replace.memberField(),
                        replace.memberField() + " must be a non-blank string or an integer"));
                continue;
            }
            long hash = MemberHash.of(member);
            switch (diff.verdict(hash)) {
                case ADD -> {
                    out.add(new SyncRow(row.index(), row.id(), Change.ADDED, fields(
                            JsonNodeFactory.instance.stringNode(member))));
                    pendingAdds.put(row.index(), new Member(hash, member));
                }
                case UNCHANGED -> results.skipped(row.index(), RowError.of(ErrorCode.UNCHANGED,
                        replace.memberField(), "the member is in the target already: nothing to send"));
                case REPEATED -> results.skipped(row.index(), RowError.of(ErrorCode.UNCHANGED,
                        replace.memberField(), "an earlier row names the same member: nothing more to send"));
            }
        }
        return out;
    }

    /**
     * Removal rows for removals {@code [from, to)}, indexed from {@code firstIndex} (their slots in the results, whose
     * ids are the members).
     */
    public List<SyncRow> removalRows(int from, int to, int firstIndex) {
        List<SyncRow> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            int index = firstIndex + i - from;
            String member = diff.removedMember(i);
            out.add(new SyncRow(index, member, Change.REMOVED, fields(JsonNodeFactory.instance.stringNode(member))));
            pendingRemovals.put(index, diff.removedHash(i));
        }
        return out;
    }

    /** Writes to the snapshot once this many changes are gathered ({@code pushsync.snapshots.max-pending-changes}). */
    public ReplaceRun writingEvery(int changes) {
        this.maxPendingChanges = changes;
        return this;
    }

    /**
     * Gathers what the vendor took of the rows sent since the last call (additions and removals that {@code results}
     * answer {@code succeeded} or {@code accepted}) and writes the snapshot once {@code max-pending-changes} are
     * gathered; {@link #flush} writes the rest.
     */
    public void record(RowResults results) {
        if (preview) {
            pendingAdds.clear();
            pendingRemovals.clear();
            return;
        }
        SnapshotStore.Changes changes = unwritten;
        pendingAdds.forEach((index, m) -> {
            if (took(results.get(index))) {
                changes.add(m.hash(), m.value());
            }
        });
        pendingRemovals.forEach((index, hash) -> {
            if (took(results.get(index))) {
                changes.remove(hash);
                removedConfirmed++;
            }
        });
        pendingAdds.clear();
        pendingRemovals.clear();
        if (changes.size() >= maxPendingChanges) {
            flush();
        }
    }

    /** Writes the gathered changes to the snapshot, creating it on the first write (even with no change). */
    public void flush() {
        if (preview || (written && unwritten.isEmpty())) {
            return;
        }
        store.apply(target, unwritten);
        unwritten = new SnapshotStore.Changes();
        written = true;
    }

    private static boolean took(RowResult r) {
        return r != null && (r.status() == RowStatus.SUCCEEDED || r.status() == RowStatus.ACCEPTED);
    }

    /** A sent row's fields: the member, and the target where the adapter reads it from each row. */
    private Map<String, JsonNode> fields(JsonNode member) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        fields.put(replace.memberField(), member);
        if (replace.targetField() != null) {
            fields.put(replace.targetField(), JsonNodeFactory.instance.arrayNode()
                    .add(options.values().get(replace.targetOption())));
        }
        return fields;
    }

    @Override
    public void close() {
        lease.close();
    }
}
