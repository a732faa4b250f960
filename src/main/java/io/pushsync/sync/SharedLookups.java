package io.pushsync.sync;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * Small values an adapter looked up from its vendor (for example the native id behind an external user id), kept
 * for a while in a place every replica of pushsync reads (Redis with {@code pushsync.state.store=redis}), so that
 * replicas do not look up the same thing again. It comes behind the adapter's own in-process cache.
 *
 * <p>It is a cache, never a source of truth: a store that fails answers "not found" and forgets writes (logged and
 * counted by the implementation), and the adapter then asks its vendor. The default, {@link #NONE}, holds nothing.
 */
public interface SharedLookups {

    SharedLookups NONE = new SharedLookups() {
        @Override
        public Map<String, String> getAll(String namespace, Collection<String> keys) {
            return Map.of();
        }

        @Override
        public void putAll(String namespace, Map<String, String> values, Duration ttl) {
        }
    };

    /**
     * The values held for {@code keys} in {@code namespace} (for example {@code cleverpush-subscription:<channel>});
     * keys with no value are absent from the answer. Never throws.
     */
    Map<String, String> getAll(String namespace, Collection<String> keys);

    /** Keeps {@code values} for {@code ttl}. Never throws. */
    void putAll(String namespace, Map<String, String> values, Duration ttl);

    /** Forgets the values of {@code keys} (a value found to be wrong). Never throws. */
    default void remove(String namespace, Collection<String> keys) {
    }
}
