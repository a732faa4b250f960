package io.pushsync.sync.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushsync.sync.BatchResponse;
import java.util.concurrent.atomic.AtomicReference;
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
        AtomicReference<Claim> claim = new AtomicReference<>();
        entries.asMap().compute(new Key(syncId, batchId), (k, existing) -> {
            if (existing == null) {
                claim.set(new Started());
                return new Entry(fingerprint, null);
            }
            if (!existing.fingerprint().equals(fingerprint)) {
                claim.set(new Mismatch());
            } else if (existing.response() == null) {
                claim.set(new InProgress());
            } else {
                claim.set(new Replay(existing.response()));
            }
            return existing;
        });
        return claim.get();
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
