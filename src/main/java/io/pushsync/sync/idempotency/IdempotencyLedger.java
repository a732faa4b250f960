package io.pushsync.sync.idempotency;

import io.pushsync.sync.BatchResponse;
import java.util.Optional;

/**
 * Remembers batches by {@code (syncId, batchId)} so that a replay returns the stored answer without a vendor call.
 * A fingerprint of the payload tells a replay from a different batch reusing the key.
 */
public interface IdempotencyLedger {

    /** What {@link #begin} found. */
    sealed interface Claim permits Started, Replay, InProgress, Mismatch {
    }

    /** The key was free: the caller runs the batch and must call {@link #complete} or {@link #abandon}. */
    record Started() implements Claim {
    }

    record Replay(BatchResponse response) implements Claim {
    }

    record InProgress() implements Claim {
    }

    record Mismatch() implements Claim {
    }

    Claim begin(String syncId, String batchId, String fingerprint);

    void complete(String syncId, String batchId, String fingerprint, BatchResponse response);

    void abandon(String syncId, String batchId, String fingerprint);

    /**
     * Whether a batch holds {@code (syncId, batchId)}: running (claimed) or finished and still replayable, whatever
     * its payload. A job submission looks here before and after it creates its job (one key space for both
     * endpoints).
     */
    boolean holds(String syncId, String batchId);

    /**
     * The stored answer of a finished batch (still replayable), whatever its payload, or empty (unknown, running,
     * or forgotten). A read: it never restarts the batch's ttl. The console and {@code /v1/runs} read rows here.
     */
    Optional<BatchResponse> finished(String syncId, String batchId);
}
