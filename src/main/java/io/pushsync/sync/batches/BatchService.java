package io.pushsync.sync.batches;

import io.pushsync.sync.idempotency.IdempotencyLedger;
import io.pushsync.sync.jobs.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import io.pushsync.sync.AdapterRun;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.Connection;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.PreparedBatch;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.StateStoreUnavailableException;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.idempotency.BatchConflictException;
import io.pushsync.sync.intake.BatchBody;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.intake.PayloadFingerprint;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.snapshots.ReplaceRequests;
import io.pushsync.sync.snapshots.ReplaceRun;
import io.pushsync.sync.snapshots.Replacements;
import io.pushsync.sync.snapshots.SnapshotBusyException;
import io.pushsync.sync.plans.DryRuns;
import io.pushsync.sync.Plan;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.history.RunHistory;
import io.pushsync.sync.history.RunRecord;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Runs one batch: validation, idempotent replay, the adapter under a deadline, one result per row. A dry run
 * ({@code "dryRun": true}) is validated the same way, then planned ({@link DryRuns}) without the ledger or a vendor.
 *
 * <p>A {@code (syncId, batchId)} names one delivery whichever endpoint receives it: after claiming the ids in the
 * ledger, a batch looks for a job holding them ({@link JobStore#jobIdFor}) and, if there is one, frees its claim and
 * is refused (409) without a vendor call. A job submission checks the ledger before and after creating its job, so
 * that with both checks at most one of the two is delivered.
 */
@Service
public class BatchService {

    private static final Logger log = LoggerFactory.getLogger(BatchService.class);

    private final DestinationRegistry registry;
    private final BatchValidator validator;
    private final IdempotencyLedger ledger;
    private final JobStore jobs;
    private final BatchProperties properties;
    private final SyncMetrics metrics;
    private final Clock clock;
    private final PayloadFingerprint fingerprints;
    private final BatchBodyReader bodies;
    private final Replacements replacements;
    private final RunHistory history;

    public BatchService(DestinationRegistry registry, BatchValidator validator, IdempotencyLedger ledger,
            JobStore jobs, BatchProperties properties, SyncMetrics metrics, PayloadFingerprint fingerprints,
            BatchBodyReader bodies, Replacements replacements) {
        this(registry, validator, ledger, jobs, properties, metrics, fingerprints, bodies, replacements,
                RunHistory.none());
    }

    @Autowired
    public BatchService(DestinationRegistry registry, BatchValidator validator, IdempotencyLedger ledger,
            JobStore jobs, BatchProperties properties, SyncMetrics metrics, PayloadFingerprint fingerprints,
            BatchBodyReader bodies, Replacements replacements, RunHistory history) {
        this.history = history;
        this.replacements = replacements;
        this.jobs = jobs;
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

    /** A body that is already a tree (tests, callers in code). */
    public Execution execute(String type, JsonNode body) {
        registry.get(type);
        return execute(type, bodies.of(body));
    }

    public Execution execute(String type, BatchBody body) {
        Destination destination = registry.get(type);
        PreparedBatch batch = validator.prepare(destination.descriptor(), body, properties.maxRows(),
                "pushsync.batch.max-rows");
        SyncRequest request = batch.request();
        if (batch.dryRun()) {
            // nothing is sent: no claim, no record, never a replay; the real batch may follow with the same ids
            try (MDC.MDCCloseable a = MDC.putCloseable("syncId", request.syncId());
                    MDC.MDCCloseable b = MDC.putCloseable("batchId", request.batchId());
                    MDC.MDCCloseable c = MDC.putCloseable("destination", request.destination())) {
                return new Execution(Replacements.isReplace(request) ? dryRunReplace(destination, batch)
                        : DryRuns.batch(destination, batch, properties.dryRunMaxBodies()), false);
            }
        }
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
        refuseIfAJobHoldsTheIds(request, fingerprint);
        try (MDC.MDCCloseable a = MDC.putCloseable("syncId", request.syncId());
                MDC.MDCCloseable b = MDC.putCloseable("batchId", request.batchId());
                MDC.MDCCloseable c = MDC.putCloseable("destination", request.destination())) {
            Run run;
            try {
                run = run(destination, batch);
            } catch (RuntimeException | Error e) {
                release(request, fingerprint, e);
                throw e;
            }
            // from here on the vendor has had the rows: the answer is the batch's results, whatever the ledger does
            if (run.clean()) {
                record(request, fingerprint, run.response());
            } else {
                // an answer shaped by an internal error is not stored: resending the batch runs it again
                release(request, fingerprint, null);
            }
            remember(run.response());
            return new Execution(run.response(), false);
        }
    }

    /**
     * Frees the claim just taken and refuses the batch (409) when a job was submitted under the same ids; a failure
     * of the job store frees the claim too and is thrown (503).
     */
    private void refuseIfAJobHoldsTheIds(SyncRequest request, String fingerprint) {
        Optional<String> job;
        try {
            job = jobs.jobIdFor(request.syncId(), request.batchId());
        } catch (RuntimeException | Error e) {
            release(request, fingerprint, e);
            throw e;
        }
        if (job.isPresent()) {
            release(request, fingerprint, null);
            throw new BatchConflictException("batch '" + request.batchId() + "' of sync '" + request.syncId()
                    + "' was already submitted as job '" + job.get() + "' (GET /v1/jobs/" + job.get() + "): a "
                    + "syncId and batchId are delivered once, through /batches or /jobs; read that job's results, "
                    + "or use a new batchId for a new batch");
        }
    }

    /**
     * Stores a finished batch for replays. A failure (the shared state store down) is logged and counted, not
     * answered: the rows went to the vendor, and their results are worth more than the record. The claim is freed
     * as well as can be, so a resend is not refused as in progress; it then runs the batch again.
     */
    private void record(SyncRequest request, String fingerprint, BatchResponse response) {
        try {
            ledger.complete(request.syncId(), request.batchId(), fingerprint, response);
        } catch (RuntimeException e) {
            metrics.recordIdempotencyRecordFailure(request.destination());
            log.warn("batch {} of sync {} ran, but could not be recorded in the idempotency ledger ({}): answering "
                    + "its results anyway; a resend of it may run it again", request.batchId(), request.syncId(),
                    describe(e));
            release(request, fingerprint, null);
        }
    }

    /** Adds the finished batch to the recent-runs index, best effort: its answer never depends on it. */
    private void remember(BatchResponse response) {
        try {
            history.record(RunRecord.batch(response, clock.instant()));
        } catch (RuntimeException e) {
            log.warn("batch {} of sync {} ran, but could not be added to the recent runs ({})", response.batchId(),
                    response.syncId(), describe(e));
        }
    }

    /** Frees the batch's claim, best effort: a failure is logged, or added to {@code failure} being thrown. */
    private void release(SyncRequest request, String fingerprint, Throwable failure) {
        try {
            ledger.abandon(request.syncId(), request.batchId(), fingerprint);
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
                return;
            }
            log.warn("could not free the idempotency claim of batch {} of sync {} ({}): a resend may be answered "
                    + "409 (in progress) until it is freed", request.batchId(), request.syncId(), describe(e));
        }
    }

    /** What a log line may say of a ledger failure: our own store message, else only the exception's class. */
    private static String describe(RuntimeException e) {
        return e instanceof StateStoreUnavailableException ? e.getMessage() : e.getClass().getName();
    }

    /** A batch's answer; {@code clean} is false when an internal error, not the vendor, decided some rows. */
    private record Run(BatchResponse response, boolean clean) {
    }

    /**
     * Forgets the snapshot of the target a body names ({@code DELETE .../snapshots}).
     *
     * @return whether there was one
     * @throws SnapshotBusyException while a replace runs for the target
     */
    public boolean forgetSnapshot(String type, JsonNode body) {
        Destination destination = registry.get(type);
        return replacements.forget(destination, validator.replaceTarget(destination.descriptor(), body));
    }

    public ConnectionCheckResult checkConnection(String type, JsonNode body) {
        Destination destination = registry.get(type);
        Connection connection = validator.connectionOnly(destination.descriptor(), body);
        Duration budget = properties.deadline().compareTo(Duration.ofMinutes(1)) < 0 ? properties.deadline()
                : Duration.ofMinutes(1);
        return destination.checkConnection(connection, Deadline.after(budget, clock));
    }

    private Run run(Destination destination, PreparedBatch batch) {
        if (Replacements.isReplace(batch.request())) {
            return runReplace(destination, batch);
        }
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

    /**
     * A replace batch: holds the target for the run ({@link SnapshotBusyException}, 409, when another run holds
     * it), sends the additions of new members and the removals of members gone as one {@code mirror} request, then
     * stores what the vendor took in the snapshot. Removals are answered after the rows, in {@code removed}.
     */
    private Run runReplace(Destination destination, PreparedBatch batch) {
        SyncRequest request = batch.request();
        long started = System.nanoTime();
        String label = "batch " + request.batchId() + " of sync " + request.syncId();
        try (ReplaceRun replace = replacements.open(destination, batch)) {
            ReplaceBatch rows = ReplaceBatch.of(batch, replace);
            Deadline deadline = Deadline.after(properties.deadline(), clock);
            boolean clean = AdapterRun.sync(destination, rows.send(), deadline, rows.results(), "batch", label);
            try {
                replace.record(rows.results());
                replace.flush();
            } catch (RuntimeException e) {
                // the vendor has the changes; the next run sends the ones the snapshot misses again (harmless)
                clean = false;
                log.error("{}: the vendor's answers could not be stored in the snapshot ({}); the next replace of "
                        + "the target sends these changes again", label, describe(e));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            BatchResponse.Summary summary = BatchResponse.Summary.of(rows.rowResults())
                    .withRemoved(replace.removedConfirmed());
            metrics.recordBatch(request.destination(), request.objectType(), summary, took);
            log.info("replace {} to {} {}: {}, snapshot {}", label, request.destination(), request.objectType(),
                    summary, replace.created() ? "created" : "updated");
            return new Run(rows.response(summary, null, replace, took), clean);
        }
    }

    /**
     * A dry run of a replace batch: compares with the target's snapshot as it is (without holding the target) and
     * plans the additions and removals; the snapshot is not changed. {@code summary.removed} counts the planned
     * removals.
     */
    private BatchResponse dryRunReplace(Destination destination, PreparedBatch batch) {
        SyncRequest request = batch.request();
        long started = System.nanoTime();
        try (ReplaceRun replace = replacements.preview(destination, batch)) {
            ReplaceBatch rows = ReplaceBatch.of(batch, replace);
            Plan plan = new Plan(properties.dryRunMaxBodies());
            DryRuns.plan(destination, rows.send(), rows.results(), plan, "dry run of replace batch "
                    + request.batchId() + " of sync " + request.syncId());
            int removals = (int) rows.removed().stream().filter(r -> r.status() == RowStatus.PLANNED).count();
            BatchResponse.Summary summary = BatchResponse.Summary.of(rows.rowResults(), true).withRemoved(removals);
            log.info("dry run of replace batch {} of sync {}: {}, {} vendor requests planned", request.batchId(),
                    request.syncId(), summary, plan.requests());
            return rows.response(summary, plan.report(), replace, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * The rows of a replace batch for the adapter: the additions of new members (the other rows are answered
     * {@code unchanged} here), then a removal for each member gone, whose results follow the rows' ones.
     */
    private record ReplaceBatch(SyncRequest request, int received, RowResults results, SyncRequest send) {

        static ReplaceBatch of(PreparedBatch batch, ReplaceRun replace) {
            SyncRequest request = batch.request();
            int received = batch.ids().size();
            List<String> ids = new ArrayList<>(received + replace.removals());
            ids.addAll(batch.ids());
            for (int i = 0; i < replace.removals(); i++) {
                ids.add(replace.removedMember(i));
            }
            RowResults results = new RowResults(ids);
            batch.rowFailures().forEach(results::failed);
            List<SyncRow> rows = replace.additions(request.rows(), results);
            rows.addAll(replace.removalRows(0, replace.removals(), received));
            return new ReplaceBatch(request, received, results, ReplaceRequests.mirror(request, rows));
        }

        /** The results of the request's rows, in input order. */
        List<RowResult> rowResults() {
            return List.copyOf(results.snapshot().subList(0, received));
        }

        List<BatchResponse.RemovedMember> removed() {
            List<RowResult> all = results.snapshot();
            return all.subList(received, all.size()).stream().map(BatchResponse.RemovedMember::of).toList();
        }

        BatchResponse response(BatchResponse.Summary summary, Plan.Report plan, ReplaceRun replace, Duration took) {
            return new BatchResponse(request.syncId(), request.batchId(), request.destination(),
                    request.objectType(), request.mode(), summary, plan,
                    replace.created() ? BatchResponse.SNAPSHOT_CREATED : BatchResponse.SNAPSHOT_UPDATED,
                    rowResults(), removed(), took.toMillis());
        }
    }
}
