package io.pushsync.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.snapshots.MemberHash;
import io.pushsync.sync.snapshots.SnapshotBusyException;
import io.pushsync.sync.snapshots.SnapshotStore;
import io.pushsync.sync.snapshots.SnapshotStore.Changes;
import io.pushsync.sync.snapshots.SnapshotStore.Lease;
import io.pushsync.testsupport.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;

/** The snapshots in Redis, used by two stores on separate connections as two replicas would. */
class RedisSnapshotStoreTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration TTL = Duration.ofSeconds(60);

    private final String prefix = RedisServerExtension.uniquePrefix();
    private final List<RedisSnapshotStore> stores = new ArrayList<>();
    private final List<LettuceConnectionFactory> factories = new ArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(RedisSnapshotStore::destroy);
        factories.forEach(LettuceConnectionFactory::destroy);
    }

    private RedisTemplate<String, byte[]> template() {
        return RedisServerExtension.bytesTemplate(REDIS.connectionFactory());
    }

    private RedisSnapshotStore store(Duration leaseTtl) {
        RedisSnapshotStore store = new RedisSnapshotStore(template(), prefix, leaseTtl);
        stores.add(store);
        return store;
    }

    /** Another replica: a connection of its own. */
    private RedisSnapshotStore replica(Duration leaseTtl) {
        LettuceConnectionFactory factory = REDIS.newConnectionFactory();
        factories.add(factory);
        RedisSnapshotStore store = new RedisSnapshotStore(RedisServerExtension.bytesTemplate(factory), prefix,
                leaseTtl);
        stores.add(store);
        return store;
    }

    private static String target() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static TreeMap<Long, String> read(SnapshotStore store, String target) {
        TreeMap<Long, String> seen = new TreeMap<>();
        List<Long> order = new ArrayList<>();
        store.forEach(target, (hash, member) -> {
            order.add(hash);
            assertThat(seen.put(hash, member)).as("each member once").isNull();
        });
        assertThat(order).as("ascending signed hash order").isSorted();
        return seen;
    }

    private Set<String> keysOf(String target) {
        Set<String> keys = new HashSet<>();
        template().execute((RedisCallback<Void>) c -> {
            try (Cursor<byte[]> cursor = c.keyCommands().scan(ScanOptions.scanOptions()
                    .match(prefix + "snapshot*" + target + "*").count(1000).build())) {
                cursor.forEachRemaining(k -> keys.add(RedisKeys.utf8(k)));
            }
            return null;
        });
        return keys;
    }

    @Test
    void membersComeBackInSignedHashOrderThroughAddsOverwritesAndRemovals() {
        RedisSnapshotStore store = store(TTL);
        String target = target();
        Random random = new Random(42);
        TreeMap<Long, String> model = new TreeMap<>();
        Changes first = new Changes();
        // the extremes, both sides of zero and of each bucket boundary
        long[] edges = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE, Long.MAX_VALUE - 1,
            (1L << 50) - 1, 1L << 50, -(1L << 50), -(1L << 50) - 1};
        for (long h : edges) {
            first.add(h, "edge-" + h);
        }
        for (int i = 0; i < 20_000; i++) { // more than one write call and many read groups
            first.add(random.nextLong(), "user-" + i + "-ünïcødé-✓");
        }
        store.apply(target, first);
        model.putAll(first.added());
        assertThat(model.firstKey()).isEqualTo(Long.MIN_VALUE);
        assertThat(model.headMap(0L)).hasSizeGreaterThan(9_000); // plenty of negative hashes

        TreeMap<Long, String> afterFirst = read(store, target);
        assertThat(afterFirst).containsExactlyEntriesOf(model);

        Changes second = new Changes();
        List<Long> present = new ArrayList<>(model.keySet());
        for (int i = 0; i < 5_000; i++) {
            second.remove(present.get(random.nextInt(present.size())));
        }
        second.remove(Long.MIN_VALUE);
        second.remove(12345L); // never there
        for (int i = 0; i < 300; i++) {
            second.add(present.get(random.nextInt(present.size())), "overwritten-" + i);
        }
        for (int i = 0; i < 3_000; i++) {
            second.add(random.nextLong(), "later-" + i);
        }
        store.apply(target, second);
        second.removed().forEach(model::remove);
        model.putAll(second.added());

        assertThat(read(store, target)).containsExactlyEntriesOf(model);
        assertThat(store.exists(target)).isTrue();
    }

    @Test
    void emptyChangesCreateAnEmptySnapshotAndForgetEndsIt() {
        RedisSnapshotStore store = store(TTL);
        String target = target();
        assertThat(store.exists(target)).isFalse();
        assertThat(read(store, target)).isEmpty();
        assertThat(store.forget(target)).isFalse();

        store.apply(target, new Changes());
        assertThat(store.exists(target)).isTrue();
        assertThat(read(store, target)).isEmpty();
        assertThat(keysOf(target)).containsExactly(store.markerKey(target));

        assertThat(store.forget(target)).isTrue();
        assertThat(store.exists(target)).isFalse();
        assertThat(store.forget(target)).isFalse();
    }

    @Test
    void aSnapshotEmptiedByRemovalsStillExistsAndKeepsNoBucket() {
        RedisSnapshotStore store = store(TTL);
        String target = target();
        Changes add = new Changes();
        add.add(-5L, "a");
        add.add(7L, "b");
        store.apply(target, add);
        assertThat(keysOf(target)).hasSize(3);
        Changes remove = new Changes();
        remove.remove(-5L);
        remove.remove(7L);
        store.apply(target, remove);

        assertThat(store.exists(target)).isTrue();
        assertThat(read(store, target)).isEmpty();
        assertThat(keysOf(target)).containsExactly(store.markerKey(target));
        byte[] marker = template().opsForValue().get(store.markerKey(target));
        assertThat(marker).isNotNull();
        for (byte b : marker) {
            assertThat(b).as("no bucket is marked non-empty").isZero();
        }
    }

    @Test
    void forgetDeletesEveryKeyOfTheTargetAndNoOther() {
        RedisSnapshotStore store = store(TTL);
        String target = target();
        String other = target();
        Random random = new Random(7);
        Changes changes = new Changes();
        for (int i = 0; i < 5_000; i++) {
            changes.add(random.nextLong(), "m" + i);
        }
        store.apply(target, changes);
        Changes one = new Changes();
        one.add(99L, "kept");
        store.apply(other, one);
        assertThat(keysOf(target)).hasSizeGreaterThan(4_000);

        assertThat(store.forget(target)).isTrue();

        assertThat(keysOf(target)).isEmpty();
        assertThat(store.exists(target)).isFalse();
        assertThat(read(store, target)).isEmpty();
        assertThat(read(store, other)).containsExactlyEntriesOf(Map.of(99L, "kept"));
        // a new snapshot under the old name starts empty (no bucket survived)
        store.apply(target, new Changes());
        assertThat(read(store, target)).isEmpty();
    }

    @Test
    void whatOneReplicaWritesAnotherReads() {
        RedisSnapshotStore a = store(TTL);
        RedisSnapshotStore b = replica(TTL);
        String target = target();
        Changes changes = new Changes();
        TreeMap<Long, String> model = new TreeMap<>();
        for (String m : List.of("sub-1", "sub-2", "user-ø", "a".repeat(100))) { // one longer than a listpack value
            changes.add(MemberHash.of(m), m);
            model.put(MemberHash.of(m), m);
        }
        assertThat(b.exists(target)).isFalse();
        a.apply(target, changes);
        assertThat(b.exists(target)).isTrue();
        assertThat(read(b, target)).containsExactlyEntriesOf(model);

        Changes drop = new Changes();
        drop.remove(MemberHash.of("sub-1"));
        b.apply(target, drop);
        model.remove(MemberHash.of("sub-1"));
        assertThat(read(a, target)).containsExactlyEntriesOf(model);

        assertThat(b.forget(target)).isTrue();
        assertThat(a.exists(target)).isFalse();
    }

    @Test
    void aLeaseIsExclusiveAcrossReplicasAndFreedOnClose() {
        RedisSnapshotStore a = store(TTL);
        RedisSnapshotStore b = replica(TTL);
        String target = target();
        String otherTarget = target();

        Lease held = a.lease(target);
        assertThatThrownBy(() -> b.lease(target)).isInstanceOf(SnapshotBusyException.class);
        assertThatThrownBy(() -> a.lease(target)).isInstanceOf(SnapshotBusyException.class);
        try (Lease other = b.lease(otherTarget)) {
            assertThat(other).isNotNull(); // another target is free
        }
        Long pttl = template().execute((RedisCallback<Long>) c -> c.keyCommands()
                .pTtl(RedisKeys.utf8(a.leaseKey(target))));
        assertThat(pttl).isBetween(1L, TTL.toMillis());

        held.close();
        held.close(); // twice is harmless
        try (Lease next = b.lease(target)) {
            assertThatThrownBy(() -> a.lease(target)).isInstanceOf(SnapshotBusyException.class);
        }
        a.lease(target).close();
    }

    @Test
    void theLeaseOfAReplicaThatStopsRenewingLapsesAfterItsTtl() {
        Duration ttl = Duration.ofMillis(600);
        RedisSnapshotStore dying = store(ttl);
        RedisSnapshotStore survivor = replica(ttl);
        String target = target();

        Lease orphan = dying.lease(target);
        long taken = System.nanoTime();
        dying.destroy(); // its renewal thread stops, as when the replica dies
        assertThatThrownBy(() -> survivor.lease(target)).isInstanceOf(SnapshotBusyException.class);

        Lease[] mine = new Lease[1];
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(25)).until(() -> {
            try {
                mine[0] = survivor.lease(target);
                return true;
            } catch (SnapshotBusyException busy) {
                return false;
            }
        });
        assertThat(Duration.ofNanos(System.nanoTime() - taken)).isGreaterThanOrEqualTo(ttl.minusMillis(50));

        orphan.close(); // the late close of the lapsed lease must not free the survivor's
        assertThatThrownBy(() -> dying.lease(target)).isInstanceOf(SnapshotBusyException.class);
        mine[0].close();
    }

    @Test
    void renewalKeepsALeaseBeyondItsTtl() throws InterruptedException {
        Duration ttl = Duration.ofMillis(300);
        RedisSnapshotStore holder = store(ttl);
        RedisSnapshotStore other = replica(ttl);
        String target = target();

        try (Lease held = holder.lease(target)) {
            long until = System.nanoTime() + Duration.ofMillis(1_500).toNanos(); // five TTLs
            while (System.nanoTime() < until) {
                assertThatThrownBy(() -> other.lease(target)).isInstanceOf(SnapshotBusyException.class);
                Thread.sleep(50);
            }
        }
        other.lease(target).close();
    }

    /** The sizes of the keys named, in bytes, and how many of them are hashes not encoded as a listpack. */
    private static final RedisScript<List> SIZES = RedisScript.of("""
            local bytes, tables = 0, 0
            for i = 1, #KEYS do
              bytes = bytes + (redis.call('MEMORY', 'USAGE', KEYS[i], 'SAMPLES', '0') or 0)
              if redis.call('TYPE', KEYS[i]).ok == 'hash' and redis.call('OBJECT', 'ENCODING', KEYS[i]) ~= 'listpack'
                then tables = tables + 1 end
            end
            return {bytes, tables}
            """, List.class);

    private static long usedMemory(RedisTemplate<String, byte[]> redis) {
        Properties info = redis.execute((RedisCallback<Properties>) c -> c.serverCommands().info("memory"));
        return Long.parseLong(info.getProperty("used_memory"));
    }

    @Test
    void aMillionMembersFitInAFewTensOfMegabytes() {
        RedisSnapshotStore store = store(TTL);
        RedisTemplate<String, byte[]> redis = template();
        String target = "c0ffee" + target() + target(); // a long target makes the key names count
        int n = 1_000_000;
        Random random = new Random(1);
        char[] alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".toCharArray();
        Changes changes = new Changes();
        long memberBytes = 0;
        for (int i = 0; i < n; i++) {
            // ids of 10 to 40 characters (25 on average), as user or subscription ids are
            StringBuilder id = new StringBuilder("id");
            int length = 10 + random.nextInt(31);
            while (id.length() < length) {
                id.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String member = id.toString();
            changes.add(MemberHash.of(member), member);
            memberBytes += member.length();
        }
        assertThat(changes.added()).hasSize(n);
        long before = usedMemory(redis);
        long started = System.nanoTime();
        store.apply(target, changes);
        long applyMillis = (System.nanoTime() - started) / 1_000_000;
        long after = usedMemory(redis);

        List<String> keys = new ArrayList<>(keysOf(target));
        assertThat(keys).contains(store.markerKey(target));
        long bytes = 0;
        long hashTables = 0;
        for (int from = 0; from < keys.size(); from += 1_000) {
            List<?> sizes = redis.execute(SIZES, keys.subList(from, Math.min(keys.size(), from + 1_000)));
            bytes += (Long) sizes.get(0);
            hashTables += (Long) sizes.get(1);
        }
        started = System.nanoTime();
        long[] count = {0};
        long[] last = {Long.MIN_VALUE};
        boolean[] ordered = {true};
        store.forEach(target, (hash, member) -> {
            ordered[0] &= count[0] == 0 || hash > last[0];
            last[0] = hash;
            count[0]++;
        });
        long readMillis = (System.nanoTime() - started) / 1_000_000;

        String figure = String.format("%,d members (%,d bytes of ids) in %,d keys: MEMORY USAGE %,d bytes "
                + "(%.1f per member), used_memory grew %,d bytes; %d buckets not a listpack; apply %d ms, forEach %d ms",
                n, memberBytes, keys.size(), bytes, (double) bytes / n, after - before, hashTables, applyMillis,
                readMillis);
        System.out.println("[RedisSnapshotStoreTest] " + figure);
        assertThat(count[0]).as(figure).isEqualTo(n);
        assertThat(ordered[0]).as("ascending order").isTrue();
        assertThat(hashTables).as(figure).isZero();
        assertThat(bytes).as(figure).isLessThan(60L * 1024 * 1024).isGreaterThan(memberBytes);
        assertThat(after - before).as(figure).isLessThan(60L * 1024 * 1024);

        assertThat(store.forget(target)).isTrue();
        assertThat(keysOf(target)).isEmpty();
    }
}
