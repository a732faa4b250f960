package io.pushsync.sync;

import io.pushsync.sync.idempotency.IdempotencyLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/** Runs one batch: validation, idempotent replay, the adapter under a deadline, one result per row. */
@Service
public class BatchService {

    private static final Logger log = LoggerFactory.getLogger(BatchService.class);

    private final DestinationRegistry registry;
    private final BatchValidator validator;
    private final IdempotencyLedger ledger;
    private final BatchProperties properties;
    private final SyncMetrics metrics;
    private final Clock clock;
    private final PayloadFingerprint fingerprints;
    private final BatchBodyReader bodies;

    public BatchService(DestinationRegistry registry, BatchValidator validator, IdempotencyLedger ledger,
            BatchProperties properties, SyncMetrics metrics, PayloadFingerprint fingerprints,
            BatchBodyReader bodies) {
        this.fingerprints = fingerprints;
        this.bodies = bodies;
        this.registry = registry;
        this.validator = validator;
        this.ledger = ledger;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
    }

    /** The answer and whether it was replayed from the ledger. */
    public record Execution(BatchResponse response, boolean replayed) {
    }

    /** A body that is already a tree (Census, tests). */
    public Execution execute(String type, JsonNode body) {
        registry.get(type);
        return execute(type, bodies.of(body));
    }

    public Execution execute(String type, BatchBody body) {
        Destination destination = registry.get(type);
        PreparedBatch batch = validator.prepare(destination.descriptor(), body, properties.maxRows(),
                "pushsync.batch.max-rows");
        SyncRequest request = batch.request();
        String fingerprint = fingerprints.of(type, body);
        IdempotencyLedger.Claim claim = ledger.begin(request.syncId(), request.batchId(), fingerprint);
        if (claim instanceof IdempotencyLedger.Replay replay) {
            return new Execution(replay.response(), true);
        }
        if (claim instanceof IdempotencyLedger.InProgress) {
            throw new BatchConflictException("batch '" + request.batchId() + "' of sync '" + request.syncId()
                    + "' is still in progress; retry once it has finished");
        }
        if (claim instanceof IdempotencyLedger.Mismatch) {
            throw new BatchConflictException("batch '" + request.batchId() + "' of sync '" + request.syncId()
                    + "' was already received with a different payload; use a new batchId for a new batch");
        }
        try (MDC.MDCCloseable a = MDC.putCloseable("syncId", request.syncId());
                MDC.MDCCloseable b = MDC.putCloseable("batchId", request.batchId());
                MDC.MDCCloseable c = MDC.putCloseable("destination", request.destination())) {
            Run run = run(destination, batch);
            if (run.clean()) {
                ledger.complete(request.syncId(), request.batchId(), fingerprint, run.response());
            } else {
                // an answer shaped by an internal error is not stored: resending the batch runs it again
                ledger.abandon(request.syncId(), request.batchId(), fingerprint);
            }
            return new Execution(run.response(), false);
        } catch (RuntimeException | Error e) {
            ledger.abandon(request.syncId(), request.batchId(), fingerprint);
            throw e;
        }
    }

    /** A batch's answer; {@code clean} is false when an internal error, not the vendor, decided some rows. */
    private record Run(BatchResponse response, boolean clean) {
    }

    public ConnectionCheckResult checkConnection(String type, JsonNode body) {
        Destination destination = registry.get(type);
        Connection connection = validator.connectionOnly(destination.descriptor(), body);
        Duration budget = properties.deadline().compareTo(Duration.ofMinutes(1)) < 0 ? properties.deadline()
                : Duration.ofMinutes(1);
        return destination.checkConnection(connection, Deadline.after(budget, clock));
    }

    private Run run(Destination destination, PreparedBatch batch) {
        SyncRequest request = batch.request();
        long started = System.nanoTime();
        RowResults results = AdapterRun.results(batch);
        Deadline deadline = Deadline.after(properties.deadline(), clock);
        boolean clean = AdapterRun.sync(destination, request, deadline, results, "batch",
                "batch " + request.batchId() + " of sync " + request.syncId());
        List<RowResult> list = results.snapshot();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        BatchResponse.Summary summary = BatchResponse.Summary.of(list);
        metrics.recordBatch(request.destination(), request.objectType(), summary, took);
        log.info("batch {} of sync {} to {} {}: {}", request.batchId(), request.syncId(), request.destination(),
                request.objectType(), summary);
        return new Run(new BatchResponse(request.syncId(), request.batchId(), request.destination(),
                request.objectType(), request.mode(), summary, list, took.toMillis()), clean);
    }
}
