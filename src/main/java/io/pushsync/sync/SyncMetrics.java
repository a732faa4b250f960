package io.pushsync.sync;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** The contract's batch-level metrics. Tags never carry a credential, row id or identifier. */
@Component
public class SyncMetrics {

    private final MeterRegistry registry;

    public SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void recordBatch(String destination, String objectType, BatchResponse.Summary summary, Duration duration) {
        Timer.builder("pushsync_batch_seconds")
                .tag("destination", destination)
                .tag("object_type", objectType)
                .register(registry)
                .record(duration);
        count(destination, objectType, "succeeded", summary.succeeded());
        count(destination, objectType, "accepted", summary.accepted());
        count(destination, objectType, "failed", summary.failed());
        count(destination, objectType, "skipped", summary.skipped());
    }

    /**
     * {@code pushsync_idempotency_record_failures_total}: a batch ran but could not be recorded in the idempotency
     * ledger (the shared state store failed); it was answered anyway, and a resend may run it again.
     */
    public void recordIdempotencyRecordFailure(String destination) {
        registry.counter("pushsync_idempotency_record_failures_total", "destination", destination).increment();
    }

    private void count(String destination, String objectType, String status, int n) {
        registry.counter("pushsync_rows_total", "destination", destination, "object_type", objectType,
                "status", status).increment(n);
    }
}
