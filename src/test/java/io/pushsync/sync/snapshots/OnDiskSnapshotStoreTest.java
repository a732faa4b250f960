package io.pushsync.sync.snapshots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnDiskSnapshotStoreTest {

    @TempDir
    Path dir;

    private OnDiskSnapshotStore open() {
        return new OnDiskSnapshotStore(new SnapshotProperties(dir, Duration.ofSeconds(60)));
    }

    private static Map<Long, String> members(SnapshotStore store, String target) {
        Map<Long, String> out = new java.util.LinkedHashMap<>();
        store.forEach(target, out::put);
        return out;
    }

    @Test
    void membersComeBackInSignedHashOrderAndSurviveARestart() {
        TreeMap<Long, String> model = new TreeMap<>();
        SnapshotStore.Changes changes = new SnapshotStore.Changes();
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            long hash = random.nextLong();
            model.put(hash, "m-" + i);
            changes.add(hash, "m-" + i);
        }
        OnDiskSnapshotStore store = open();
        store.apply("t1", changes);
        SnapshotStore.Changes second = new SnapshotStore.Changes();
        List<Long> keys = new ArrayList<>(model.keySet());
        for (int i = 0; i < 500; i++) {
            second.remove(keys.get(i * 3));
            model.remove(keys.get(i * 3));
        }
        second.add(-1L, "minus-one");
        model.put(-1L, "minus-one");
        store.apply("t1", second);
        store.destroy();

        OnDiskSnapshotStore reopened = open();
        try {
            assertThat(reopened.exists("t1")).isTrue();
            assertThat(new ArrayList<>(members(reopened, "t1").entrySet())).containsExactlyElementsOf(
                    model.entrySet());
            assertThat(reopened.exists("t2")).isFalse();
        } finally {
            reopened.destroy();
        }
    }

    @Test
    void anEmptyApplyCreatesTheSnapshotAndForgetDropsIt() {
        OnDiskSnapshotStore store = open();
        try {
            assertThat(store.exists("t")).isFalse();
            store.apply("t", new SnapshotStore.Changes());
            assertThat(store.exists("t")).isTrue();
            assertThat(members(store, "t")).isEmpty();
            assertThat(store.forget("t")).isTrue();
            assertThat(store.forget("t")).isFalse();
            assertThat(store.exists("t")).isFalse();
        } finally {
            store.destroy();
        }
    }

    @Test
    void aTargetIsHeldByOneRunAtATime() {
        OnDiskSnapshotStore store = open();
        try {
            SnapshotStore.Lease lease = store.lease("t");
            assertThatThrownBy(() -> store.lease("t")).isInstanceOf(SnapshotBusyException.class);
            store.lease("other").close();
            lease.close();
            store.lease("t").close();
        } finally {
            store.destroy();
        }
    }
}
