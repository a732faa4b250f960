package io.pushsync.sync.batches;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.idempotency.InMemoryIdempotencyLedger;
import io.pushsync.sync.jobs.InMemoryJobStore;
import io.pushsync.sync.jobs.JobSegments;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.Connection;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.intake.PayloadFingerprint;

/** The core around an adapter: what is stored for replay, what the core fills in. */
class BatchServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DestinationDescriptor DESCRIPTOR = new DestinationDescriptor("probe", "Probe",
            List.of(ConnectionField.secret("key", "Key")),
            List.of(new ObjectTypeDescriptor("things", "Things", List.of("upsert"), List.of(),
                    List.of(RequiredField.of("name")), List.of("name"))));

    /** Succeeds the first row, then does what {@code behaviour} says. */
    private static final class ProbeDestination implements Destination {
        final AtomicInteger calls = new AtomicInteger();
        final String behaviour;

        ProbeDestination(String behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public DestinationDescriptor descriptor() {
            return DESCRIPTOR;
        }

        @Override
        public ConnectionCheckResult checkConnection(Connection connection, Deadline deadline) {
            return ConnectionCheckResult.success();
        }

        @Override
        public void sync(SyncRequest request, Deadline deadline, RowResults results) {
            calls.incrementAndGet();
            results.succeeded(request.rows().get(0).index());
            if (behaviour.equals("throw")) {
                throw new IllegalStateException("adapter bug");
            }
            if (behaviour.equals("vendor-failure")) {
                for (SyncRow row : request.rows()) {
                    results.failed(row.index(), RowError.of(ErrorCode.DESTINATION_UNAVAILABLE, "vendor down"));
                }
            }
            // "forget": leaves the other rows without an outcome
        }
    }

    private static BatchService service(Destination destination) {
        BatchProperties limits = new BatchProperties(100, Duration.ofMinutes(1), 10, DataSize.ofKilobytes(64),
                DataSize.ofMegabytes(1), 64, 20);
        return new BatchService(new DestinationRegistry(List.of(destination)), new BatchValidator(limits),
                new InMemoryIdempotencyLedger(new IdempotencyProperties(Duration.ofHours(1), 1_000)),
                new InMemoryJobStore(new JobSegments(JSON)), limits,
                new SyncMetrics(new SimpleMeterRegistry()), new PayloadFingerprint(JSON), BatchBodyReader.defaults(), null);
    }

    private static JsonNode body() {
        return JSON.readTree("""
                {"syncId": "s", "batchId": "b", "connection": {"key": "k"}, "objectType": "things",
                 "mode": "upsert", "rows": [{"id": "a", "fields": {"name": "x"}}, {"id": "b", "fields": {"name": "y"}},
                 {"id": "c", "fields": {}}]}""");
    }

    @Test
    void anAdapterThatThrowsFailsOnlyUnconfirmedRowsAndIsNotStoredForReplay() {
        ProbeDestination destination = new ProbeDestination("throw");
        BatchService service = service(destination);

        BatchService.Execution first = service.execute("probe", body());
        BatchService.Execution second = service.execute("probe", body());

        assertThat(first.response().results()).extracting(r -> r.status().wireName())
                .containsExactly("succeeded", "failed", "failed");
        assertThat(first.response().results().get(1).error().code()).isEqualTo("destination_unavailable");
        assertThat(first.response().results().get(2).error().code()).isEqualTo("missing_required_field");
        assertThat(second.replayed()).isFalse();
        assertThat(destination.calls).hasValue(2);
    }

    @Test
    void rowsAnAdapterLeavesWithoutOutcomeFailRetryableAndTheAnswerIsNotStored() {
        ProbeDestination destination = new ProbeDestination("forget");
        BatchService service = service(destination);

        BatchService.Execution first = service.execute("probe", body());

        assertThat(first.response().results().get(1).error().code()).isEqualTo("destination_unavailable");
        assertThat(first.response().results().get(1).error().retryable()).isTrue();
        assertThat(service.execute("probe", body()).replayed()).isFalse();
    }

    @Test
    void vendorOutcomesAreStoredAndReplayedWithoutAnotherCall() {
        ProbeDestination destination = new ProbeDestination("vendor-failure");
        BatchService service = service(destination);

        BatchService.Execution first = service.execute("probe", body());
        BatchService.Execution second = service.execute("probe", body());

        assertThat(second.replayed()).isTrue();
        assertThat(second.response()).isEqualTo(first.response());
        assertThat(destination.calls).hasValue(1);
        assertThat(first.response().summary()).isEqualTo(new BatchResponse.Summary(3, 1, 0, 2, 0));
    }
}
