package io.pushsync.state.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushsync.sync.SharedLookups;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.types.Expiration;

/**
 * The shared lookups in Redis: one string per value, {@code <prefix>lookup:<namespace>:<sha256 hex of the key>}
 * (keys are often user ids, so they never appear raw), holding the value as UTF-8 with the TTL given to
 * {@link #putAll}. {@link #getAll} is one {@code MGET}; {@link #putAll} one pipeline of {@code SET} with the TTL.
 *
 * <p>A failing store never throws: the call is logged at WARN (namespace, count and the error, never a key or a
 * value) and counted in {@code pushsync.state.lookups.failures} (tag {@code operation}: {@code get} or {@code put});
 * {@code getAll} then answers that nothing is held. Empty inputs make no Redis call.
 */
public class RedisSharedLookups implements SharedLookups {

    private static final Logger log = LoggerFactory.getLogger(RedisSharedLookups.class);
    static final String FAILURES = "pushsync.state.lookups.failures";

    private final RedisTemplate<String, byte[]> redis;
    private final String prefix;
    private final Counter getFailures;
    private final Counter putFailures;
    private final Counter removeFailures;

    public RedisSharedLookups(RedisTemplate<String, byte[]> redis, String keyPrefix, MeterRegistry meters) {
        this.redis = redis;
        this.prefix = keyPrefix;
        this.getFailures = failures(meters, "get");
        this.putFailures = failures(meters, "put");
        this.removeFailures = failures(meters, "remove");
    }

    private static Counter failures(MeterRegistry meters, String operation) {
        return Counter.builder(FAILURES)
                .description("Shared lookup calls that failed; answered as not found, or not stored")
                .tag("operation", operation)
                .register(meters);
    }

    String key(String namespace, String key) {
        return prefix + "lookup:" + namespace + ":" + RedisKeys.sha256Hex(key);
    }

    @Override
    public Map<String, String> getAll(String namespace, Collection<String> keys) {
        if (keys == null || keys.isEmpty()) {
            return Map.of();
        }
        List<String> wanted = new ArrayList<>(new LinkedHashSet<>(keys));
        wanted.removeIf(Objects::isNull);
        if (wanted.isEmpty()) {
            return Map.of();
        }
        try {
            List<byte[]> values = redis.opsForValue().multiGet(wanted.stream().map(k -> key(namespace, k)).toList());
            if (values == null) {
                return Map.of();
            }
            Map<String, String> found = new HashMap<>();
            for (int i = 0; i < wanted.size() && i < values.size(); i++) {
                byte[] value = values.get(i);
                if (value != null) {
                    found.put(wanted.get(i), RedisKeys.utf8(value));
                }
            }
            return found;
        } catch (RuntimeException e) {
            failed("get", namespace, wanted.size(), e, getFailures);
            return Map.of();
        }
    }

    /** Keeps {@code values} (null keys and values are left out); a {@code ttl} that is not positive keeps nothing. */
    @Override
    public void putAll(String namespace, Map<String, String> values, Duration ttl) {
        if (values == null || values.isEmpty() || ttl == null || ttl.isZero() || ttl.isNegative()) {
            return;
        }
        List<byte[][]> entries = new ArrayList<>(values.size());
        values.forEach((k, v) -> {
            if (k != null && v != null) {
                entries.add(new byte[][] {RedisKeys.utf8(key(namespace, k)), RedisKeys.utf8(v)});
            }
        });
        if (entries.isEmpty()) {
            return;
        }
        Expiration expiration = Expiration.from(ttl);
        try {
            redis.executePipelined((RedisCallback<Object>) connection -> {
                for (byte[][] entry : entries) {
                    connection.stringCommands().set(entry[0], entry[1], SetCondition.upsert(), expiration);
                }
                return null;
            });
        } catch (RuntimeException e) {
            failed("put", namespace, entries.size(), e, putFailures);
        }
    }

    @Override
    public void remove(String namespace, Collection<String> keys) {
        if (keys == null || keys.isEmpty()) {
            return;
        }
        List<String> redisKeys = keys.stream().filter(java.util.Objects::nonNull).map(k -> key(namespace, k))
                .toList();
        try {
            redis.delete(redisKeys);
        } catch (RuntimeException e) {
            failed("remove", namespace, redisKeys.size(), e, removeFailures);
        }
    }

    private static void failed(String operation, String namespace, int count, RuntimeException e, Counter failures) {
        failures.increment();
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
        log.warn("Shared lookups: {} of {} key(s) in namespace {} failed, {}: {}", operation, count, namespace,
                cause.getClass().getSimpleName(), cause.getMessage());
    }
}
