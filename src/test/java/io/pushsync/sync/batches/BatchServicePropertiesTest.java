package io.pushsync.sync.batches;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.OptionDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.idempotency.InMemoryIdempotencyLedger;
import io.pushsync.testsupport.HostileJson;
import io.pushsync.sync.jobs.InMemoryJobStore;
import io.pushsync.sync.jobs.JobSegments;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.Connection;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.idempotency.BatchConflictException;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.intake.BatchTooLargeException;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.intake.InvalidBatchException;
import io.pushsync.sync.intake.PayloadFingerprint;

/**
 * Whatever the body, the core answers a request error (400/413) or exactly one result per row, in input order; it
 * never fails otherwise (which would be a 5xx).
 */
class BatchServicePropertiesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DestinationDescriptor DESCRIPTOR = new DestinationDescriptor("probe", "Probe",
            List.of(ConnectionField.plain("region", "Region", List.of("eu", "us")),
                    ConnectionField.secret("token", "Token")),
            List.of(new ObjectTypeDescriptor("things", "Things", List.of("upsert", "mirror"),
                    List.of(OptionDescriptor.positiveInteger("listId", false, "a list")),
                    List.of(RequiredField.of("name", "alias")), List.of("name"))));

    /** Confirms every row it gets, so the answer can be checked row by row. */
    private static final Destination CONFIRMING = new Destination() {
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
            request.rows().forEach(r -> results.succeeded(r.index()));
        }
    };

    private final BatchService service;

    BatchServicePropertiesTest() {
        BatchProperties limits = new BatchProperties(50, Duration.ofMinutes(1), 20, DataSize.ofKilobytes(1),
                DataSize.ofMegabytes(1), 64, 20);
        service = new BatchService(new DestinationRegistry(List.of(CONFIRMING)), new BatchValidator(limits),
                new InMemoryIdempotencyLedger(new IdempotencyProperties(Duration.ofMinutes(1), 10_000)),
                new InMemoryJobStore(new JobSegments(JsonMapper.builder().build())), limits,
                new SyncMetrics(new SimpleMeterRegistry()), new PayloadFingerprint(JsonMapper.builder().build()),
                BatchBodyReader.defaults(), null);
    }

    @Provide
    Arbitrary<JsonNode> rows() {
        Arbitrary<JsonNode> fields = Arbitraries.maps(
                Arbitraries.oneOf(Arbitraries.of("name", "alias", "x", "", "listId"), HostileJson.strings()),
                HostileJson.values(3)).ofMaxSize(6).map(m -> {
                    ObjectNode o = NODES.objectNode();
                    m.forEach(o::set);
                    return (JsonNode) o;
                });
        Arbitrary<JsonNode> wellFormed = Combinators.combine(Arbitraries.integers().between(0, 1_000_000), fields,
                Arbitraries.of("added", "changed", "removed", "")).as((id, f, change) -> {
                    ObjectNode row = NODES.objectNode();
                    row.put("id", "r" + id);
                    if (!change.isEmpty()) {
                        row.put("change", change);
                    }
                    row.set("fields", f);
                    return (JsonNode) row;
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, wellFormed),
                net.jqwik.api.Tuple.of(1, HostileJson.values(2)));
    }

    @Provide
    Arbitrary<JsonNode> bodies() {
        Arbitrary<JsonNode> anyValue = HostileJson.values(2);
        Arbitrary<JsonNode> id = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8,
                        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(NODES::stringNode)),
                net.jqwik.api.Tuple.of(1, anyValue));
        Arbitrary<JsonNode> connection = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just((JsonNode) NODES.objectNode().put("region", "eu")
                        .put("token", "t"))),
                net.jqwik.api.Tuple.of(1, anyValue));
        Arbitrary<JsonNode> mode = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of("upsert", "mirror").map(NODES::stringNode)),
                net.jqwik.api.Tuple.of(1, anyValue));
        Arbitrary<JsonNode> options = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just((JsonNode) NODES.objectNode())),
                net.jqwik.api.Tuple.of(2, Arbitraries.just((JsonNode) NODES.objectNode().put("nulls", "clear"))),
                net.jqwik.api.Tuple.of(1, anyValue.map(v -> (JsonNode) NODES.objectNode().set("listId", v))));
        Arbitrary<JsonNode> rowsNode = rows().list().ofMaxSize(60).map(list -> {
            ArrayNode a = NODES.arrayNode();
            list.forEach(a::add);
            return (JsonNode) a;
        });
        return Combinators.combine(id, id, connection, mode, options, rowsNode).as((s, b, c, m, o, r) -> {
            ObjectNode body = NODES.objectNode();
            body.set("syncId", s);
            body.set("batchId", b);
            body.set("connection", c);
            body.put("objectType", "things");
            body.set("mode", m);
            body.set("options", o);
            body.set("rows", r);
            return (JsonNode) body;
        });
    }

    @Property(tries = 400)
    void aRequestErrorOrExactlyOneResultPerRowInOrder(@ForAll("bodies") JsonNode body) {
        BatchService.Execution execution;
        try {
            execution = service.execute("probe", body);
        } catch (InvalidBatchException e) {
            assertThat(e.violations()).isNotEmpty().allSatisfy(v -> assertThat(v.message()).isNotBlank());
            return;
        } catch (BatchTooLargeException | BatchConflictException e) {
            return;
        }
        JsonNode rows = body.get("rows");
        List<RowResult> results = execution.response().results();
        assertThat(results).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(results.get(i).id()).isEqualTo(rows.get(i).get("id").asString());
            assertThat(results.get(i).status()).isNotNull();
            if (results.get(i).status() == RowStatus.FAILED) {
                assertThat(results.get(i).error().code()).isNotBlank();
            }
        }
        BatchResponse.Summary s = execution.response().summary();
        assertThat(s.succeeded() + s.accepted() + s.failed() + s.skipped()).isEqualTo(s.received());
        assertThat(Map.of("received", s.received())).containsEntry("received", rows.size());
    }
}
