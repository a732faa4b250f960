package io.pushsync.sync.snapshots;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.snapshots.*}: the snapshots of {@code mode: "replace"}.
 *
 * @param directory where the in-process store keeps its file ({@code snapshots.mv}); {@code
 *     java.io.tmpdir/pushsync-snapshots} when unset. Give it a volume that outlives the container for the snapshots
 *     to outlive it (with {@code pushsync.state.store=redis} the snapshots are in Redis and this is not used)
 * @param leaseTtl how long a replace run's hold on its target lasts in Redis without being renewed (the holder renews
 *     it every third of this): a replica that dies frees its targets after this long
 */
@ConfigurationProperties("pushsync.snapshots")
public record SnapshotProperties(
        Path directory,
        @DefaultValue("60s") Duration leaseTtl) {

    public SnapshotProperties {
        if (directory == null) {
            directory = Path.of(System.getProperty("java.io.tmpdir"), "pushsync-snapshots");
        }
        if (leaseTtl.isNegative() || leaseTtl.toMillis() < 3) {
            throw new IllegalArgumentException("pushsync.snapshots.lease-ttl must be positive");
        }
    }
}
