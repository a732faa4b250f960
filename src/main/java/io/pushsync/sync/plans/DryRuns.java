package io.pushsync.sync.plans;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.Destination;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.Plan;
import io.pushsync.sync.PreparedBatch;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an adapter's plan ({@link Destination#plan}) over validated rows, the way {@link io.pushsync.sync.AdapterRun}
 * runs its sync: the rows the core already failed keep their failure, and a row the adapter left without an outcome
 * fails (an adapter that does not plan, or an internal error, fails them all).
 */
public final class DryRuns {

    private static final Logger log = LoggerFactory.getLogger(DryRuns.class);

    private DryRuns() {
    }

    /**
     * Plans the request's rows into {@code results} and {@code plan}.
     *
     * @param label what to call the run in log lines
     */
    public static void plan(Destination destination, SyncRequest request, RowResults results, Plan plan,
            String label) {
        try {
            if (!request.rows().isEmpty()) {
                destination.plan(request, results, plan);
            }
        } catch (UnsupportedOperationException e) {
            results.failUnset(RowError.of(ErrorCode.REJECTED_BY_DESTINATION, e.getMessage()));
        } catch (RuntimeException | Error e) {
            log.error("destination {} failed to plan {}", request.destination(), label, e);
            results.failUnset(RowError.of(ErrorCode.DESTINATION_UNAVAILABLE,
                    "the dry run stopped on an internal error before this row was planned"));
        }
        int unset = results.failUnset(RowError.of(ErrorCode.DESTINATION_UNAVAILABLE,
                "the dry run planned no outcome for this row"));
        if (unset > 0) {
            log.error("destination {} left {} rows of {} without a planned outcome", request.destination(), unset,
                    label);
        }
    }

    /** A dry run of a synchronous batch: its answer, with the plan. Sends nothing, records nothing. */
    public static BatchResponse batch(Destination destination, PreparedBatch batch, int maxBodies) {
        SyncRequest request = batch.request();
        long started = System.nanoTime();
        RowResults results = io.pushsync.sync.AdapterRun.results(batch);
        Plan plan = new Plan(maxBodies);
        plan(destination, request, results, plan, "dry run of batch " + request.batchId() + " of sync "
                + request.syncId());
        List<RowResult> list = results.snapshot();
        BatchResponse.Summary summary = BatchResponse.Summary.of(list, true);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        log.info("dry run of batch {} of sync {} to {} {}: {}, {} vendor requests planned", request.batchId(),
                request.syncId(), request.destination(), request.objectType(), summary, plan.requests());
        return new BatchResponse(request.syncId(), request.batchId(), request.destination(), request.objectType(),
                request.mode(), summary, plan.report(), list, tookMillis);
    }
}
