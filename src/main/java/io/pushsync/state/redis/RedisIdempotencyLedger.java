package io.pushsync.state.redis;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.StateStoreUnavailableException;
import io.pushsync.sync.idempotency.IdempotencyLedger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The idempotency ledger in Redis: one key per {@code (syncId, batchId)},
 * {@code <prefix>idem:<sha256(syncId, batchId)>}, holding either
 *
 * <ul>
 *   <li>a <em>running claim</em> ({@code R}, fingerprint, a random token of the claiming call), taken atomically
 *       with {@code SET NX PX lease}; the lease is longer than a batch may run
 *       ({@code pushsync.batch.deadline} + margin), so the claim of a replica that died mid-batch frees itself; or</li>
 *   <li>a <em>finished batch</em> ({@code F}, fingerprint, the response as gzip JSON), kept for
 *       {@code pushsync.idempotency.ttl}.</li>
 * </ul>
 *
 * Any replica recognises a replay of a batch that another one ran. {@link #abandon} deletes the claim only if it is
 * still the very claim this instance took (compare-and-delete in Lua).
 *
 * <p>A claim nobody runs under is never left to its lease when this instance can help it: when {@code SET NX} fails
 * (a timeout or a lost connection: the server may have written the claim though the client gave up), when storing
 * the finished batch fails, or when {@link #abandon} fails, the claim is compare-and-deleted by its random token in
 * the background, at once and then every second until Redis takes it (or the lease has freed it anyway). The delete
 * is sent with {@code EVAL}, never {@code EVALSHA}: one sent on the connection the timed-out {@code SET NX} went
 * down is run by the server right after it, even if the client has given up on both, and an {@code EVALSHA} could
 * then meet an empty script cache with nobody left to fall back to {@code EVAL}. Deleting by token is always safe:
 * the token is the failed call's own, nobody runs a batch under it, and a finished batch is never deleted.
 */
public class RedisIdempotencyLedger implements IdempotencyLedger, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisIdempotencyLedger.class);

    private static final byte RUNNING = 'R';
    private static final byte FINISHED = 'F';
    private static final byte[] DELETE_IF_EQUAL = RedisKeys.utf8(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");
    /** How often unreleased claims are tried again while Redis fails. */
    private static final Duration RELEASE_RETRY = Duration.ofSeconds(1);
    /** Beyond this many unreleased claims (a long outage under load) the newest are left to their lease. */
    private static final int MAX_UNRELEASED = 10_000;

    /** A claim nobody runs under that could not be deleted yet; given up once its lease has freed it. */
    private record Unreleased(String key, byte[] claim, long leaseEndsNanos) {
    }

    private final RedisTemplate<String, byte[]> redis;
    private final String prefix;
    private final Duration ttl;
    private final Duration lease;
    private final JsonMapper json;
    /** Claims this instance holds: key + fingerprint -> the exact value it wrote. */
    private final Map<String, byte[]> ownClaims = new ConcurrentHashMap<>();
    private final Set<Unreleased> unreleased = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean releaseScheduled = new AtomicBoolean();
    private final ScheduledExecutorService releaser = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pushsync-idempotency-release");
        t.setDaemon(true);
        return t;
    });

    public RedisIdempotencyLedger(RedisTemplate<String, byte[]> redis, String keyPrefix, Duration ttl,
            Duration lease, JsonMapper json) {
        this.redis = redis;
        this.prefix = keyPrefix;
        this.ttl = ttl;
        this.lease = lease;
        this.json = json;
    }

    String key(String syncId, String batchId) {
        return prefix + "idem:" + RedisKeys.pairDigest(syncId, batchId);
    }

    @Override
    public Claim begin(String syncId, String batchId, String fingerprint) {
        String key = key(syncId, batchId);
        byte[] claim = running(fingerprint, UUID.randomUUID().toString());
        // a key that expires between the failed SET NX and the GET is simply claimed again
        for (int attempt = 0; attempt < 5; attempt++) {
            Boolean taken;
            try {
                taken = RedisKeys.call("claim a batch", () -> redis.opsForValue().setIfAbsent(key, claim, lease));
            } catch (StateStoreUnavailableException e) {
                // outcome unknown: the claim may be in Redis, and the caller is told 503, so nobody runs under it
                release(key, claim);
                throw e;
            }
            if (Boolean.TRUE.equals(taken)) {
                ownClaims.put(key + "\n" + fingerprint, claim);
                return new Started();
            }
            byte[] current = RedisKeys.call("read a batch's claim", () -> redis.opsForValue().get(key));
            if (current != null) {
                return classify(current, fingerprint);
            }
        }
        return new InProgress();
    }

    private Claim classify(byte[] stored, String fingerprint) {
        ByteBuffer in = ByteBuffer.wrap(stored);
        byte kind = in.get();
        byte[] fp = new byte[in.getInt()];
        in.get(fp);
        boolean same = Arrays.equals(fp, RedisKeys.utf8(fingerprint));
        if (!same) {
            return new Mismatch();
        }
        if (kind == FINISHED) {
            byte[] body = new byte[in.remaining()];
            in.get(body);
            return new Replay(decode(body));
        }
        return new InProgress();
    }

    @Override
    public void complete(String syncId, String batchId, String fingerprint, BatchResponse response) {
        String key = key(syncId, batchId);
        byte[] value = finished(fingerprint, encode(response));
        try {
            RedisKeys.run("store a finished batch", () -> redis.opsForValue().set(key, value, ttl));
        } catch (StateStoreUnavailableException e) {
            // the batch is over: its claim goes (unless the write landed after all, which the token check spares),
            // so that a resend is not answered 409 until the lease ends; it runs the batch again
            byte[] claim = ownClaims.remove(key + "\n" + fingerprint);
            if (claim != null) {
                release(key, claim);
            }
            throw e;
        }
        ownClaims.remove(key + "\n" + fingerprint);
    }

    @Override
    public void abandon(String syncId, String batchId, String fingerprint) {
        String key = key(syncId, batchId);
        byte[] claim = ownClaims.remove(key + "\n" + fingerprint);
        if (claim != null) {
            try {
                deleteIfEqual(key, claim);
            } catch (StateStoreUnavailableException e) {
                release(key, claim);
                throw e;
            }
        }
    }

    @Override
    public boolean holds(String syncId, String batchId) {
        String key = key(syncId, batchId);
        return Boolean.TRUE.equals(RedisKeys.call("read a batch's claim", () -> redis.hasKey(key)));
    }

    @Override
    public Optional<BatchResponse> finished(String syncId, String batchId) {
        String key = key(syncId, batchId);
        byte[] stored = RedisKeys.call("read a finished batch", () -> redis.opsForValue().get(key));
        if (stored == null || stored.length == 0 || stored[0] != FINISHED) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(stored);
        in.get();
        in.position(in.position() + 4 + in.getInt(1));
        byte[] body = new byte[in.remaining()];
        in.get(body);
        return Optional.of(decode(body));
    }

    /** Stops the background release of claims (those still unreleased are left to their lease). */
    @Override
    public void close() {
        releaser.shutdownNow();
    }

    /** Compare-and-delete: only if the key still holds exactly {@code claim}; true if it did. */
    private boolean deleteIfEqual(String key, byte[] claim) {
        Long deleted = RedisKeys.call("free a batch's claim", () -> redis.execute((RedisCallback<Long>) c ->
                c.scriptingCommands().eval(DELETE_IF_EQUAL, ReturnType.INTEGER, 1, RedisKeys.utf8(key), claim)));
        return deleted != null && deleted > 0;
    }

    /** Hands a claim nobody runs under to the background release: tried at once, then every second. */
    private void release(String key, byte[] claim) {
        if (unreleased.size() < MAX_UNRELEASED) {
            unreleased.add(new Unreleased(key, claim, System.nanoTime() + lease.toNanos()));
            scheduleRelease(0);
        } else {
            log.warn("{} idempotency claims wait to be freed in Redis already: this one is left to its lease ({})",
                    MAX_UNRELEASED, lease);
        }
    }

    private void scheduleRelease(long delayMillis) {
        if (releaseScheduled.compareAndSet(false, true)) {
            try {
                releaser.schedule(this::releaseUnreleased, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                releaseScheduled.set(false);
            }
        }
    }

    private void releaseUnreleased() {
        releaseScheduled.set(false);
        int freed = 0;
        for (Unreleased u : unreleased) {
            if (System.nanoTime() - u.leaseEndsNanos() >= 0) {
                unreleased.remove(u); // the lease has freed it
                continue;
            }
            try {
                if (deleteIfEqual(u.key(), u.claim())) {
                    freed++;
                }
                unreleased.remove(u);
            } catch (RuntimeException stillDown) {
                log.debug("Redis still fails; {} idempotency claims wait to be freed: {}", unreleased.size(),
                        stillDown.getMessage());
                break;
            }
        }
        if (freed > 0) {
            log.info("freed {} idempotency claims left in Redis by calls that failed", freed);
        }
        if (!unreleased.isEmpty()) {
            scheduleRelease(RELEASE_RETRY.toMillis());
        }
    }

    private static byte[] running(String fingerprint, String token) {
        return frame(RUNNING, fingerprint, token.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] finished(String fingerprint, byte[] response) {
        return frame(FINISHED, fingerprint, response);
    }

    /** kind, fingerprint length (4 bytes), fingerprint (UTF-8), payload. */
    private static byte[] frame(byte kind, String fingerprint, byte[] payload) {
        byte[] fp = RedisKeys.utf8(fingerprint);
        return ByteBuffer.allocate(1 + 4 + fp.length + payload.length)
                .put(kind).putInt(fp.length).put(fp).put(payload).array();
    }

    private byte[] encode(BatchResponse response) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            json.writeValue(out, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private BatchResponse decode(byte[] gzipJson) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipJson))) {
            return json.readValue(in, BatchResponse.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
