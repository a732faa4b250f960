package io.pushsync.sync.batches;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.idempotency.IdempotencyLedger;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.idempotency.InMemoryIdempotencyLedger;
import io.pushsync.testsupport.ThingsDestination;
import io.pushsync.sync.jobs.InMemoryJobStore;
import io.pushsync.sync.jobs.JobSegments;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.Connection;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.StateStoreUnavailableException;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.intake.PayloadFingerprint;

/**
 * The ledger fails after the adapter ran (the shared state store went down meanwhile): the batch still answers its
 * results; the failure to record it is logged and counted, and the claim freed so that a resend is not refused.
 */
@ExtendWith(OutputCaptureExtension.class)
class BatchServiceLedgerFailureTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "probe-key-SECRET";

    /** Succeeds every row, or leaves the second without an outcome (an answer that is not stored). */
    private static final class ProbeDestination extends ThingsDestination {
        final AtomicInteger calls = new AtomicInteger();
        final boolean clean;

        ProbeDestination(boolean clean) {
            super("probe");
            this.clean = clean;
        }

        @Override
        public void sync(SyncRequest request, Deadline deadline, RowResults results) {
            calls.incrementAndGet();
            for (SyncRow row : request.rows()) {
                if (clean || row.index() != 1) {
                    results.succeeded(row.index());
                }
            }
        }
    }

    /** The in-process ledger, whose {@code complete} and {@code abandon} fail as Redis would when told to. */
    private static final class FailingLedger implements IdempotencyLedger {
        final InMemoryIdempotencyLedger delegate = new InMemoryIdempotencyLedger(
                new IdempotencyProperties(Duration.ofHours(1), 1_000));
        volatile boolean failComplete;
        volatile boolean failAbandon;
        final AtomicInteger abandons = new AtomicInteger();

        @Override
        public Claim begin(String syncId, String batchId, String fingerprint) {
            return delegate.begin(syncId, batchId, fingerprint);
        }

        @Override
        public void complete(String syncId, String batchId, String fingerprint, BatchResponse response) {
            if (failComplete) {
                throw new StateStoreUnavailableException("the shared state store (Redis) failed to store a "
                        + "finished batch: Command timed out after 5 second(s)", null);
            }
            delegate.complete(syncId, batchId, fingerprint, response);
        }

        @Override
        public void abandon(String syncId, String batchId, String fingerprint) {
            abandons.incrementAndGet();
            if (failAbandon) {
                throw new StateStoreUnavailableException("the shared state store (Redis) failed to free a batch's "
                        + "claim: Connection refused", null);
            }
            delegate.abandon(syncId, batchId, fingerprint);
        }

        @Override
        public boolean holds(String syncId, String batchId) {
            return delegate.holds(syncId, batchId);
        }

        @Override
        public java.util.Optional<BatchResponse> finished(String syncId, String batchId) {
            return delegate.finished(syncId, batchId);
        }
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final FailingLedger ledger = new FailingLedger();

    private BatchService service(Destination destination) {
        BatchProperties limits = new BatchProperties(100, Duration.ofMinutes(1), 10, DataSize.ofKilobytes(64),
                DataSize.ofMegabytes(1), 64, 20);
        return new BatchService(new DestinationRegistry(List.of(destination)), new BatchValidator(limits), ledger,
                new InMemoryJobStore(new JobSegments(JSON)), limits, new SyncMetrics(meters), new PayloadFingerprint(JSON),
                BatchBodyReader.defaults(), null);
    }

    private static JsonNode body() {
        return JSON.readTree("""
                {"syncId": "s", "batchId": "b", "connection": {"key": "%s"}, "objectType": "things",
                 "mode": "upsert", "rows": [{"id": "a", "fields": {"name": "x"}}, {"id": "b", "fields": {"name": "y"}}]}
                """.formatted(SECRET));
    }

    private double recordFailures() {
        var counter = meters.find("pushsync_idempotency_record_failures_total").tag("destination", "probe").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aBatchThatRanAnswersItsResultsThoughTheLedgerCouldNotRecordIt(CapturedOutput output) {
        ProbeDestination destination = new ProbeDestination(true);
        BatchService service = service(destination);
        ledger.failComplete = true;

        BatchService.Execution first = service.execute("probe", body());

        assertThat(first.replayed()).isFalse();
        assertThat(first.response().results()).extracting(r -> r.status().wireName())
                .containsExactly("succeeded", "succeeded");
        assertThat(recordFailures()).isEqualTo(1.0);
        assertThat(output.getOut() + output.getErr())
                .contains("WARN").contains("could not be recorded in the idempotency ledger")
                .doesNotContain(SECRET);
        assertThat(ledger.abandons).as("the claim is freed").hasValue(1);

        ledger.failComplete = false;
        BatchService.Execution resend = service.execute("probe", body());
        assertThat(resend.replayed()).as("not recorded: a resend runs the batch again, not a 409").isFalse();
        assertThat(destination.calls).hasValue(2);
        assertThat(service.execute("probe", body()).replayed()).isTrue();
    }

    @Test
    void theResultsAreAnsweredEvenIfTheClaimCannotBeFreedEither(CapturedOutput output) {
        BatchService service = service(new ProbeDestination(true));
        ledger.failComplete = true;
        ledger.failAbandon = true;

        BatchService.Execution first = service.execute("probe", body());

        assertThat(first.response().results()).hasSize(2);
        assertThat(recordFailures()).isEqualTo(1.0);
        assertThat(output.getOut() + output.getErr()).contains("could not free the idempotency claim")
                .doesNotContain(SECRET);
    }

    @Test
    void anAnswerThatIsNotStoredIsAnsweredEvenIfTheClaimCannotBeFreed() {
        BatchService service = service(new ProbeDestination(false));
        ledger.failAbandon = true;

        BatchService.Execution first = service.execute("probe", body());

        assertThat(first.response().results()).extracting(r -> r.status().wireName())
                .containsExactly("succeeded", "failed");
        assertThat(recordFailures()).as("nothing was to be recorded").isZero();
    }
}
