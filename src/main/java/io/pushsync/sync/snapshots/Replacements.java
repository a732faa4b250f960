package io.pushsync.sync.snapshots;

import io.pushsync.sync.Destination;
import io.pushsync.sync.PreparedBatch;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.ReplaceTarget;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/**
 * The core's side of {@code mode: "replace"}: names targets, opens runs over them ({@link ReplaceRun}) and forgets
 * their snapshots. A target is the destination, the object type, the vendor account ({@link Destination#account},
 * a digest) and the value of the object type's target option (a list id, a tag id); its key is the SHA-256 of those,
 * so no id or credential appears in a file or a Redis key.
 */
@Component
public class Replacements {

    private final SnapshotStore store;
    private final SnapshotProperties properties;

    public Replacements(SnapshotStore store, SnapshotProperties properties) {
        this.store = store;
        this.properties = properties;
    }

    /** Whether a request is a replace. */
    public static boolean isReplace(SyncRequest request) {
        return ObjectTypeDescriptor.REPLACE.equals(request.mode());
    }

    /** The replace description of the request's object type. */
    public static ReplaceTarget replaceTarget(Destination destination, String objectType) {
        return destination.descriptor().objectTypes().stream().filter(o -> o.name().equals(objectType))
                .findFirst().map(ObjectTypeDescriptor::replace)
                .orElseThrow(() -> new IllegalArgumentException(objectType + " has no replace mode"));
    }

    /** The key of the request's target. */
    public String target(Destination destination, SyncRequest request) {
        ReplaceTarget replace = replaceTarget(destination, request.objectType());
        String option = request.options().values().get(replace.targetOption()).asString();
        return digest(destination.type(), request.objectType(), destination.account(request.connection()), option);
    }

    /** Takes the request's target and compares a batch's rows with its snapshot. */
    public ReplaceRun open(Destination destination, PreparedBatch batch) {
        return open(destination, batch, false);
    }

    /** A dry run's comparison of a batch's rows with the target's snapshot: no lease, no write. */
    public ReplaceRun preview(Destination destination, PreparedBatch batch) {
        return open(destination, batch, true);
    }

    private ReplaceRun open(Destination destination, PreparedBatch batch, boolean preview) {
        SyncRequest request = batch.request();
        Function<JsonNode, String> members = members(destination, request.objectType());
        ReplaceTarget replace = replaceTarget(destination, request.objectType());
        long[] hashes = new long[request.rows().size()];
        int count = ReplaceRun.hashMembers(request.rows(), replace, members, hashes, 0);
        return open(destination, request, hashes, count, preview);
    }

    /**
     * Compares the members hashed so far ({@code hashes[0, count)}) with the request's target: a real run takes the
     * target first ({@link SnapshotBusyException} when another run holds it), a dry run ({@code preview}) does not.
     */
    public ReplaceRun open(Destination destination, SyncRequest head, long[] hashes, int count, boolean preview) {
        String target = target(destination, head);
        ReplaceTarget replace = replaceTarget(destination, head.objectType());
        Function<JsonNode, String> members = members(destination, head.objectType());
        return preview ? ReplaceRun.preview(store, target, replace, head.options(), members, hashes, count)
                : ReplaceRun.open(store, target, replace, head.options(), members, hashes, count)
                        .writingEvery(properties.maxPendingChanges());
    }

    /** The adapter's reading of a member field of the object type. */
    public static Function<JsonNode, String> members(Destination destination, String objectType) {
        return value -> destination.replaceMember(objectType, value);
    }

    /** Takes the request's target and compares the members hashed so far ({@code hashes[0, count)}) with it. */
    public ReplaceRun open(Destination destination, SyncRequest head, long[] hashes, int count) {
        return ReplaceRun.open(store, target(destination, head), replaceTarget(destination, head.objectType()),
                head.options(), members(destination, head.objectType()), hashes, count);
    }

    /**
     * Forgets the target's snapshot: the next replace for it adds everything and removes nothing.
     *
     * @return whether there was one
     * @throws SnapshotBusyException while a replace runs for it
     */
    public boolean forget(Destination destination, SyncRequest request) {
        String target = target(destination, request);
        try (SnapshotStore.Lease lease = store.lease(target)) {
            return store.forget(target);
        }
    }

    private static String digest(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                sha.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
                sha.update(b);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
