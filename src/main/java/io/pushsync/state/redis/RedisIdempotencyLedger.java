package io.pushsync.state.redis;

import io.pushsync.sync.BatchResponse;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
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
 */
public class RedisIdempotencyLedger implements IdempotencyLedger {

    private static final byte RUNNING = 'R';
    private static final byte FINISHED = 'F';
    private static final RedisScript<Long> DELETE_IF_EQUAL = RedisScript.of(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            Long.class);

    private final RedisTemplate<String, byte[]> redis;
    private final String prefix;
    private final Duration ttl;
    private final Duration lease;
    private final JsonMapper json;
    /** Claims this instance holds: key + fingerprint -> the exact value it wrote. */
    private final Map<String, byte[]> ownClaims = new ConcurrentHashMap<>();

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
            Boolean taken = RedisKeys.call("claim a batch",
                    () -> redis.opsForValue().setIfAbsent(key, claim, lease));
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
        RedisKeys.run("store a finished batch", () -> redis.opsForValue().set(key, value, ttl));
        ownClaims.remove(key + "\n" + fingerprint);
    }

    @Override
    public void abandon(String syncId, String batchId, String fingerprint) {
        String key = key(syncId, batchId);
        byte[] claim = ownClaims.remove(key + "\n" + fingerprint);
        if (claim != null) {
            RedisKeys.run("free a batch's claim", () -> redis.execute(DELETE_IF_EQUAL, List.of(key), claim));
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
