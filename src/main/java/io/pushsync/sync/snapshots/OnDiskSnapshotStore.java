package io.pushsync.sync.snapshots;

import io.pushsync.sync.StateStoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The snapshots of a single instance ({@code pushsync.state.store=in-process}): one file, {@code snapshots.mv} in
 * {@code pushsync.snapshots.directory}, kept by H2's MVStore (an embedded, log-structured key-value store that stays
 * consistent through a crash). Each target is a map of member hash to member, iterated in key order; every
 * {@link #apply} writes its changes in key order and is committed before it returns. The store's own background
 * writer reclaims the space of rewritten pages after {@value #RETENTION_MILLIS} ms (MVStore's default, 45 s, lets
 * a million members written in a few applies grow the file to several hundred MB; with this the file stays within
 * about three times its data). Leases are held in this process.
 */
@Component
@ConditionalOnProperty(name = "pushsync.state.store", havingValue = "in-process", matchIfMissing = true)
public class OnDiskSnapshotStore implements SnapshotStore, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OnDiskSnapshotStore.class);
    private static final String FILE = "snapshots.mv";
    private static final String PREFIX = "target:";
    /**
     * How long the space of a rewritten page is kept before reuse. Shorter than MVStore's default: a process crash
     * is recovered from the last commit either way; only an operating-system crash that reorders writes within this
     * time could need an older version.
     */
    static final int RETENTION_MILLIS = 1000;

    private final SnapshotProperties properties;
    private final Map<String, Object> held = new ConcurrentHashMap<>();
    private volatile MVStore store;

    public OnDiskSnapshotStore(SnapshotProperties properties) {
        this.properties = properties;
    }

    /** Opened on first use: an instance that never runs a replace creates no file. */
    private MVStore store() {
        MVStore s = store;
        if (s == null) {
            synchronized (this) {
                s = store;
                if (s == null) {
                    try {
                        Files.createDirectories(properties.directory());
                        s = new MVStore.Builder().fileName(properties.directory().resolve(FILE).toString())
                                .open();
                        s.setRetentionTime(RETENTION_MILLIS);
                    } catch (IOException | MVStoreException e) {
                        throw new StateStoreUnavailableException("the snapshot store in " + properties.directory()
                                + " (pushsync.snapshots.directory) cannot be opened: " + e.getMessage(), e);
                    }
                    store = s;
                }
            }
        }
        return s;
    }

    private MVMap<Long, String> map(String target) {
        return store().openMap(PREFIX + target);
    }

    @Override
    public Lease lease(String target) {
        Object token = new Object();
        if (held.putIfAbsent(target, token) != null) {
            throw new SnapshotBusyException("a replace run for this target is under way");
        }
        return () -> held.remove(target, token);
    }

    @Override
    public boolean exists(String target) {
        return store().hasMap(PREFIX + target);
    }

    @Override
    public void forEach(String target, Members members) {
        if (!exists(target)) {
            return;
        }
        for (Map.Entry<Long, String> e : map(target).entrySet()) {
            members.accept(e.getKey(), e.getValue());
        }
    }

    @Override
    public void apply(String target, Changes changes) {
        MVMap<Long, String> map = map(target);
        for (Long hash : new java.util.TreeSet<>(changes.removed())) {
            map.remove(hash);
        }
        map.putAll(new java.util.TreeMap<>(changes.added()));
        commit();
    }

    @Override
    public boolean forget(String target) {
        if (!exists(target)) {
            return false;
        }
        MVStore s = store();
        s.removeMap(PREFIX + target);
        commit();
        return true;
    }

    private void commit() {
        try {
            store().commit();
        } catch (MVStoreException e) {
            throw new StateStoreUnavailableException("the snapshot store could not write "
                    + properties.directory().resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        MVStore s = store;
        if (s != null) {
            try {
                s.close();
            } catch (MVStoreException e) {
                log.warn("the snapshot store did not close cleanly ({}); it recovers its last commit on the next "
                        + "start", e.getMessage());
            }
        }
    }

}
