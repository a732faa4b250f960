package io.pushsync.sync.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import io.pushsync.sync.BatchResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The in-process ledger.
 *
 * <ul>
 *   <li>Claims of running batches live in a plain map that never evicts: a claim must hold until the batch ends,
 *       or a concurrent duplicate would run the batch twice.</li>
 *   <li>Finished batches live in a Caffeine cache expiring {@code ttl} after completion. The store is bounded by
 *       result rows ({@code max-stored-rows}); beyond it the <em>oldest finished</em> batches go first. (Caffeine's
 *       own size bound is frequency-based and may drop a batch that just finished, the one most likely to be
 *       replayed by an orchestrator that timed out.)</li>
 * </ul>
 */
@Component
@ConditionalOnProperty(name = "pushsync.state.store", havingValue = "in-process", matchIfMissing = true)
public class InMemoryIdempotencyLedger implements IdempotencyLedger {

    private record Key(String syncId, String batchId) {
    }

    private record Finished(String fingerprint, BatchResponse response) {
        long weight() {
            return response.results().size() + 1L;
        }
    }

    private final Map<Key, String> running = new ConcurrentHashMap<>();
    private final Cache<Key, Finished> finished;
    private final Policy.FixedExpiration<Key, Finished> byAge;
    private final AtomicLong storedRows = new AtomicLong();
    private final long maxStoredRows;

    public InMemoryIdempotencyLedger(IdempotencyProperties properties) {
        this.maxStoredRows = properties.maxStoredRows();
        this.finished = Caffeine.newBuilder()
                .expireAfterWrite(properties.ttl())
                .executor(Runnable::run) // removal bookkeeping on the calling thread, so the row count stays exact
                .<Key, Finished>removalListener((k, v, cause) -> {
                    if (v != null) {
                        storedRows.addAndGet(-v.weight());
                    }
                })
                .build();
        this.byAge = finished.policy().expireAfterWrite().orElseThrow();
    }

    @Override
    public synchronized Claim begin(String syncId, String batchId, String fingerprint) {
        Key key = new Key(syncId, batchId);
        // a read, not a write: looking must not restart the ttl of a finished batch
        Finished done = finished.getIfPresent(key);
        if (done != null) {
            return done.fingerprint().equals(fingerprint) ? new Replay(done.response()) : new Mismatch();
        }
        String claimed = running.putIfAbsent(key, fingerprint);
        if (claimed == null) {
            return new Started();
        }
        return claimed.equals(fingerprint) ? new InProgress() : new Mismatch();
    }

    @Override
    public synchronized void complete(String syncId, String batchId, String fingerprint, BatchResponse response) {
        Key key = new Key(syncId, batchId);
        Finished entry = new Finished(fingerprint, response);
        finished.put(key, entry);
        storedRows.addAndGet(entry.weight());
        running.remove(key, fingerprint);
        evictOldestBeyondBound();
    }

    @Override
    public synchronized void abandon(String syncId, String batchId, String fingerprint) {
        running.remove(new Key(syncId, batchId), fingerprint);
    }

    @Override
    public synchronized boolean holds(String syncId, String batchId) {
        Key key = new Key(syncId, batchId);
        return running.containsKey(key) || finished.getIfPresent(key) != null;
    }

    @Override
    public Optional<BatchResponse> finished(String syncId, String batchId) {
        Finished done = finished.getIfPresent(new Key(syncId, batchId));
        return done == null ? Optional.empty() : Optional.of(done.response());
    }

    /** Rows held by finished batches (for tests and diagnostics). */
    long storedRows() {
        finished.cleanUp();
        return storedRows.get();
    }

    private void evictOldestBeyondBound() {
        finished.cleanUp();
        // the newest batch is kept even if it alone exceeds the bound
        while (storedRows.get() > maxStoredRows && finished.estimatedSize() > 1) {
            Key oldest = byAge.oldest(1).keySet().stream().findFirst().orElse(null);
            if (oldest == null) {
                return;
            }
            finished.invalidate(oldest);
        }
    }
}
