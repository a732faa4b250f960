package io.pushsync.sync.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushsync.sync.BatchResponse;
import org.springframework.stereotype.Component;

/** The in-process ledger: a Caffeine cache bounded by stored rows, entries expiring {@code ttl} after they finish. */
@Component
public class InMemoryIdempotencyLedger implements IdempotencyLedger {

    private record Key(String syncId, String batchId) {
    }

    /** {@code response == null} while the batch runs. */
    private record Entry(String fingerprint, BatchResponse response) {
        int weight() {
            return response == null ? 1 : response.results().size() + 1;
        }
    }

    private final Cache<Key, Entry> entries;

    public InMemoryIdempotencyLedger(IdempotencyProperties properties) {
        this.entries = Caffeine.newBuilder()
                .expireAfterWrite(properties.ttl())
                .maximumWeight(properties.maxStoredRows())
                .<Key, Entry>weigher((k, e) -> e.weight())
                .build();
    }

    @Override
    public Claim begin(String syncId, String batchId, String fingerprint) {
        // putIfAbsent, not compute: finding an entry must not count as a write, or every replay (or conflicting
        // attempt) would restart the entry's ttl and a batch polled often enough would never expire
        Entry existing = entries.asMap().putIfAbsent(new Key(syncId, batchId), new Entry(fingerprint, null));
        if (existing == null) {
            return new Started();
        }
        if (!existing.fingerprint().equals(fingerprint)) {
            return new Mismatch();
        }
        return existing.response() == null ? new InProgress() : new Replay(existing.response());
    }

    @Override
    public void complete(String syncId, String batchId, String fingerprint, BatchResponse response) {
        entries.put(new Key(syncId, batchId), new Entry(fingerprint, response));
    }

    @Override
    public void abandon(String syncId, String batchId, String fingerprint) {
        entries.asMap().computeIfPresent(new Key(syncId, batchId),
                (k, e) -> e.fingerprint().equals(fingerprint) && e.response() == null ? null : e);
    }
}
