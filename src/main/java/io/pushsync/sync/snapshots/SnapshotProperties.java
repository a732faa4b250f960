package io.pushsync.sync.snapshots;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.snapshots.*}: the snapshots of {@code mode: "replace"}.
 *
 * @param directory where the in-process store keeps its file ({@code snapshots.mv}); {@code
 *     java.io.tmpdir/pushsync-snapshots} when unset. Give it a volume that outlives the container for the snapshots
 *     to outlive it (with {@code pushsync.state.store=redis} the snapshots are in Redis and this is not used)
 * @param leaseTtl how long a replace run's hold on its target lasts in Redis without being renewed (the holder renews
 *     it every third of this): a replica that dies frees its targets after this long
 * @param maxPendingChanges a replace job gathers the changes the vendor took over its windows and writes them to the
 *     snapshot, in hash order, once this many are pending and at its end (a batch writes its own at its end): fewer,
 *     larger writes keep the in-process file small and fast. What a job holds in memory for it: about 100 bytes a
 *     change
 */
@ConfigurationProperties("pushsync.snapshots")
public record SnapshotProperties(
        Path directory,
        @DefaultValue("60s") Duration leaseTtl,
        @DefaultValue("100000") int maxPendingChanges) {

    public SnapshotProperties(Path directory, Duration leaseTtl) {
        this(directory, leaseTtl, 100_000);
    }

    @ConstructorBinding
    public SnapshotProperties {
        if (directory == null) {
            directory = Path.of(System.getProperty("java.io.tmpdir"), "pushsync-snapshots");
        }
        if (leaseTtl.isNegative() || leaseTtl.toMillis() < 3) {
            throw new IllegalArgumentException("pushsync.snapshots.lease-ttl must be positive");
        }
        if (maxPendingChanges < 1) {
            throw new IllegalArgumentException("pushsync.snapshots.max-pending-changes must be at least 1");
        }
    }
}
