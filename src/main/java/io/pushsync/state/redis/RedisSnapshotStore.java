package io.pushsync.state.redis;

import io.pushsync.sync.snapshots.SnapshotBusyException;
import io.pushsync.sync.snapshots.SnapshotStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The snapshots of {@code mode: "replace"} in Redis ({@code pushsync.state.store=redis}), shared by every replica.
 *
 * <h2>Layout</h2>
 *
 * A target's members are spread over {@value #BUCKETS} small hashes by the top {@value #BUCKET_BITS} bits of their
 * hash, taken with the sign bit flipped ({@link #bucket}), so that ascending bucket numbers are ascending
 * <em>signed</em> hashes (the buckets of negative hashes come first):
 *
 * <ul>
 *   <li>{@code <prefix>snapshot:{<target>}:<bucket>} (bucket in decimal, 0..16383): a hash of member hash (8 raw
 *       bytes, big-endian) to member (UTF-8);</li>
 *   <li>{@code <prefix>snapshot:{<target>}}: the marker, a bitmap (string, at most 2 KB) with bit {@code b} set when
 *       bucket {@code b} holds a member. It exists exactly when the snapshot does (an empty snapshot is an empty
 *       string), and it lets {@link #forEach} and {@link #forget} touch only the non-empty buckets (a ten-member
 *       snapshot reads ten keys, not sixteen thousand).</li>
 * </ul>
 *
 * <p>Why so many buckets: Redis keeps a small hash as one packed <em>listpack</em> (about 10 bytes per hash plus
 * the member and two bytes of framing per entry) as long as it has at most {@code hash-max-listpack-entries} (128)
 * fields of at most {@code hash-max-listpack-value} (64) bytes; a bigger hash becomes a real hash table, about 70
 * bytes more per entry. A million members in one hash take over 80 MB; in 16384 buckets (61 members on average, a
 * hundred at most in practice) every bucket stays a listpack and a million 20-30 byte members take about 40-50 MB,
 * mostly the members themselves (measured in {@code RedisSnapshotStoreTest}). A bucket that does exceed the limits
 * (an unusually long member, a far larger audience) just converts to a hash table: correct, only bigger. The braces
 * keep a target's keys in one Cluster slot and keep one target's key names from ever colliding with another's.
 *
 * <h2>Writes</h2>
 *
 * {@link #apply} sends the changes bucket by bucket in groups of at most {@value #CHANGES_PER_CALL} changes, each
 * group one Lua script that {@code HDEL}s/{@code HSET}s its buckets and updates their marker bits. A script runs
 * atomically, so every member is either entirely written or not, and the marker always names exactly the non-empty
 * buckets; the first group (or, with no changes, a script of its own) creates the marker. An apply interrupted by a
 * crash of the replica leaves the groups already sent applied and the others not: the snapshot then holds fewer
 * changes than were delivered, which the next replace run simply sends again (or removes again). "Durable" means
 * what the Redis server's persistence makes it (AOF with {@code appendfsync everysec} or better is recommended for a
 * server holding snapshots).
 *
 * <p>The snapshot keys have <b>no TTL</b>: they are the record of what the vendor holds, and dropping one would make
 * the next run re-send the whole audience (and never remove the members that left). {@link #forget} deletes them
 * ({@code UNLINK}, in one script).
 *
 * <h2>Reads</h2>
 *
 * {@link #forEach} reads the marker, then the non-empty buckets in ascending order, {@value #BUCKETS_PER_READ}
 * buckets per call (one script returning their fields and values), sorts each group's entries by signed hash and
 * hands them on: a million members take about 64 round trips and never more than one group in memory.
 *
 * <h2>Leases</h2>
 *
 * {@code <prefix>snapshot-lease:<target>} holds a random token, written with {@code SET NX PX lease-ttl}; the
 * holder renews it every third of {@code pushsync.snapshots.lease-ttl} (compare-and-{@code PEXPIRE}, on one daemon
 * thread per store) and closing deletes it only while it still holds the holder's token (compare-and-{@code DEL}).
 * A replica that dies stops renewing and frees its targets after the lease TTL.
 */
public class RedisSnapshotStore implements SnapshotStore, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RedisSnapshotStore.class);

    static final int BUCKET_BITS = 14;
    static final int BUCKETS = 1 << BUCKET_BITS;
    /** At most this many members added or removed per write script (about 0.5 MB of arguments). */
    static final int CHANGES_PER_CALL = 8_000;
    /** Buckets read per call: about 15,000 members for a million-member snapshot. */
    static final int BUCKETS_PER_READ = 256;

    /**
     * KEYS[1] the marker, KEYS[2..] bucket keys; ARGV per bucket: its number, how many removals, how many additions,
     * then the removed fields, then field, value pairs. Creates the marker; sets each bucket's bit to whether it
     * still exists.
     */
    private static final RedisScript<Long> APPLY = RedisScript.of("""
            local marker = KEYS[1]
            if redis.call('EXISTS', marker) == 0 then redis.call('SET', marker, '') end
            local function each(cmd, key, from, to)
              local i = from
              while i <= to do
                local j = math.min(to, i + 999)
                redis.call(cmd, key, unpack(ARGV, i, j))
                i = j + 1
              end
            end
            local a = 1
            for k = 2, #KEYS do
              local key = KEYS[k]
              local bucket = tonumber(ARGV[a])
              local removes = tonumber(ARGV[a + 1])
              local adds = tonumber(ARGV[a + 2])
              a = a + 3
              if removes > 0 then each('HDEL', key, a, a + removes - 1) a = a + removes end
              if adds > 0 then each('HSET', key, a, a + 2 * adds - 1) a = a + 2 * adds end
              redis.call('SETBIT', marker, bucket, redis.call('EXISTS', key))
            end
            return 1
            """, Long.class);

    /** KEYS: bucket keys; the fields and values of all of them, flat. */
    private static final RedisScript<List> READ = RedisScript.of("""
            local out = {}
            for k = 1, #KEYS do
              local kv = redis.call('HGETALL', KEYS[k])
              for i = 1, #kv do out[#out + 1] = kv[i] end
            end
            return out
            """, List.class);

    /**
     * KEYS[1] the marker; ARGV[1] the bucket key prefix. Unlinks every bucket the marker names, then the marker;
     * 1 if there was a snapshot.
     */
    private static final RedisScript<Long> FORGET = RedisScript.of("""
            local bits = redis.call('GET', KEYS[1])
            if not bits then return 0 end
            local batch = {}
            for i = 1, #bits do
              local byte = string.byte(bits, i)
              if byte ~= 0 then
                for b = 0, 7 do
                  if bit.band(byte, bit.rshift(128, b)) ~= 0 then
                    batch[#batch + 1] = ARGV[1] .. ((i - 1) * 8 + b)
                    if #batch == 1000 then redis.call('UNLINK', unpack(batch)) batch = {} end
                  end
                end
              end
            end
            if #batch > 0 then redis.call('UNLINK', unpack(batch)) end
            redis.call('UNLINK', KEYS[1])
            return 1
            """, Long.class);

    private static final RedisScript<Long> RENEW = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return 0
            """, Long.class);

    private static final RedisScript<Long> RELEASE = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """, Long.class);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisTemplate<String, byte[]> redis;
    private final String prefix;
    private final Duration leaseTtl;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pushsync-snapshot-lease-renewal");
        t.setDaemon(true);
        return t;
    });

    public RedisSnapshotStore(RedisTemplate<String, byte[]> redis, String keyPrefix, Duration leaseTtl) {
        this.redis = redis;
        this.prefix = keyPrefix;
        this.leaseTtl = leaseTtl;
    }

    /** The bucket of {@code hash}: its top bits with the sign flipped, so bucket order is signed hash order. */
    static int bucket(long hash) {
        return (int) ((hash ^ Long.MIN_VALUE) >>> (Long.SIZE - BUCKET_BITS));
    }

    String markerKey(String target) {
        return prefix + "snapshot:{" + target + "}";
    }

    String bucketKey(String target, int bucket) {
        return markerKey(target) + ":" + bucket;
    }

    String leaseKey(String target) {
        return prefix + "snapshot-lease:" + target;
    }

    // ---------------------------------------------------------------- leases

    @Override
    public Lease lease(String target) {
        String key = leaseKey(target);
        byte[] token = new byte[16];
        RANDOM.nextBytes(token);
        byte[] value = RedisKeys.utf8(HexFormat.of().formatHex(token));
        Boolean taken = RedisKeys.call("take a snapshot lease",
                () -> redis.opsForValue().setIfAbsent(key, value, leaseTtl));
        if (!Boolean.TRUE.equals(taken)) {
            throw new SnapshotBusyException("a replace run for this target is under way (on this or another replica)");
        }
        return new RedisLease(key, value);
    }

    private final class RedisLease implements Lease {
        private final String key;
        private final byte[] token;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ScheduledFuture<?> renewal;

        RedisLease(String key, byte[] token) {
            this.key = key;
            this.token = token;
            long period = Math.max(1, leaseTtl.toMillis() / 3);
            ScheduledFuture<?> scheduled;
            try {
                scheduled = renewer.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                scheduled = null; // the store is shutting down: the lease lasts its TTL
            }
            this.renewal = scheduled;
        }

        private void renew() {
            if (closed.get()) {
                return;
            }
            try {
                Long renewed = RedisKeys.call("renew a snapshot lease", () -> redis.execute(RENEW, List.of(key),
                        token, RedisKeys.utf8(Long.toString(leaseTtl.toMillis()))));
                if ((renewed == null || renewed == 0) && !closed.get()) {
                    log.warn("a replace run's lease on its target was lost (it lapsed before it could be renewed, "
                            + "lease-ttl {}): another run may take the target", leaseTtl);
                    stopRenewing();
                }
            } catch (RuntimeException e) {
                // tried again at the next tick; the lease survives while a tick before its TTL succeeds
                log.warn("a replace run's lease could not be renewed: {}", e.getMessage());
            }
        }

        private void stopRenewing() {
            if (renewal != null) {
                renewal.cancel(false);
            }
        }

        /** Frees the target if this lease still holds it; a failure is logged, and the lease then lasts its TTL. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            stopRenewing();
            try {
                RedisKeys.run("free a snapshot lease", () -> redis.execute(RELEASE, List.of(key), token));
            } catch (RuntimeException e) {
                log.warn("a replace run's lease could not be freed ({}): the target is free after {}",
                        e.getMessage(), leaseTtl);
            }
        }
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    public boolean exists(String target) {
        String marker = markerKey(target);
        return Boolean.TRUE.equals(RedisKeys.call("read a snapshot", () -> redis.hasKey(marker)));
    }

    @Override
    public void forEach(String target, Members members) {
        String marker = markerKey(target);
        byte[] bits = RedisKeys.call("read a snapshot", () -> redis.opsForValue().get(marker));
        if (bits == null) {
            return;
        }
        List<String> group = new ArrayList<>(BUCKETS_PER_READ);
        for (int b = 0; b < bits.length * 8 && b < BUCKETS; b++) {
            if ((bits[b >>> 3] & (0x80 >>> (b & 7))) != 0) {
                group.add(bucketKey(target, b));
                if (group.size() == BUCKETS_PER_READ) {
                    readGroup(group, members);
                    group.clear();
                }
            }
        }
        if (!group.isEmpty()) {
            readGroup(group, members);
        }
    }

    private void readGroup(List<String> keys, Members members) {
        List<?> flat = RedisKeys.call("read a snapshot", () -> redis.execute(READ, keys));
        if (flat == null || flat.isEmpty()) {
            return;
        }
        int n = flat.size() / 2;
        long[] hashes = new long[n];
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            hashes[i] = ByteBuffer.wrap((byte[]) flat.get(2 * i)).getLong();
            values[i] = new String((byte[]) flat.get(2 * i + 1), StandardCharsets.UTF_8);
        }
        // the buckets of a group are consecutive ranges of signed hashes: one sort puts the group in order
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(hashes[x], hashes[y]));
        for (int i : order) {
            members.accept(hashes[i], values[i]);
        }
    }

    @Override
    public void apply(String target, Changes changes) {
        String marker = markerKey(target);
        // changes by bucket: counting sort on the bucket number
        int[] removes = new int[BUCKETS];
        int[] adds = new int[BUCKETS];
        for (long hash : changes.removed()) {
            removes[bucket(hash)]++;
        }
        for (long hash : changes.added().keySet()) {
            adds[bucket(hash)]++;
        }
        int[] removeAt = new int[BUCKETS + 1];
        int[] addAt = new int[BUCKETS + 1];
        for (int b = 0; b < BUCKETS; b++) {
            removeAt[b + 1] = removeAt[b] + removes[b];
            addAt[b + 1] = addAt[b] + adds[b];
        }
        long[] removed = new long[removeAt[BUCKETS]];
        int[] fill = Arrays.copyOf(removeAt, BUCKETS);
        for (long hash : changes.removed()) {
            removed[fill[bucket(hash)]++] = hash;
        }
        long[] addedHashes = new long[addAt[BUCKETS]];
        String[] addedMembers = new String[addedHashes.length];
        fill = Arrays.copyOf(addAt, BUCKETS);
        for (Map.Entry<Long, String> e : changes.added().entrySet()) {
            int at = fill[bucket(e.getKey())]++;
            addedHashes[at] = e.getKey();
            addedMembers[at] = e.getValue();
        }

        List<String> keys = new ArrayList<>();
        List<byte[]> args = new ArrayList<>();
        keys.add(marker);
        int inCall = 0;
        boolean sent = false;
        for (int b = 0; b < BUCKETS; b++) {
            if (removes[b] == 0 && adds[b] == 0) {
                continue;
            }
            keys.add(bucketKey(target, b));
            args.add(ascii(b));
            args.add(ascii(removes[b]));
            args.add(ascii(adds[b]));
            for (int i = removeAt[b]; i < removeAt[b + 1]; i++) {
                args.add(field(removed[i]));
            }
            for (int i = addAt[b]; i < addAt[b + 1]; i++) {
                args.add(field(addedHashes[i]));
                args.add(RedisKeys.utf8(addedMembers[i]));
            }
            inCall += removes[b] + adds[b];
            if (inCall >= CHANGES_PER_CALL) {
                write(keys, args);
                sent = true;
                keys = new ArrayList<>();
                args = new ArrayList<>();
                keys.add(marker);
                inCall = 0;
            }
        }
        if (keys.size() > 1 || !sent) {
            write(keys, args);
        }
    }

    private void write(List<String> keys, List<byte[]> args) {
        Object[] argv = args.toArray();
        RedisKeys.run("write a snapshot", () -> redis.execute(APPLY, keys, argv));
    }

    private static byte[] ascii(int n) {
        return Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] field(long hash) {
        return ByteBuffer.allocate(Long.BYTES).putLong(hash).array();
    }

    @Override
    public boolean forget(String target) {
        String marker = markerKey(target);
        byte[] bucketPrefix = RedisKeys.utf8(marker + ":");
        Long forgotten = RedisKeys.call("forget a snapshot",
                () -> redis.execute(FORGET, List.of(marker), bucketPrefix));
        return forgotten != null && forgotten > 0;
    }

    /** Stops renewing the leases still held (they then lapse after the lease TTL). */
    @Override
    public void destroy() {
        renewer.shutdownNow();
    }
}
