package io.pushsync.sync;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an adapter over a validated batch the same way for a synchronous batch and for a background job: the rows the
 * core already failed are filled in first, and every row the adapter leaves without an outcome fails afterwards (with
 * the stop the adapter declared, {@link RowResults#stop}, when it declared one).
 */
public final class AdapterRun {

    private static final Logger log = LoggerFactory.getLogger(AdapterRun.class);

    private AdapterRun() {
    }

    /** One slot per input row, with the rows the validator already failed. */
    public static RowResults results(PreparedBatch batch) {
        RowResults results = new RowResults(batch.ids());
        for (Map.Entry<Integer, RowError> failure : batch.rowFailures().entrySet()) {
            results.failed(failure.getKey(), failure.getValue());
        }
        return results;
    }

    /**
     * Calls the adapter, then fails every row without an outcome: with the adapter's stop when it declared one, with
     * the budget's reason when it ended (deadline, cancel, interrupt), as retryable {@code destination_unavailable}
     * otherwise.
     *
     * @param noun {@code batch} or {@code job}, for row messages
     * @param label what to call the run in log lines
     * @return false when an internal error, not the vendor, decided some rows
     */
    public static boolean sync(Destination destination, SyncRequest request, Deadline deadline, RowResults results,
            String noun, String label) {
        boolean clean = true;
        Throwable failure = null;
        try {
            if (!request.rows().isEmpty()) {
                destination.sync(request, deadline, results);
            }
        } catch (RuntimeException | Error e) {
            // an Error too (an assertion, a class that failed to load, a stack overflow, an OutOfMemoryError the
            // process survived): every row still gets an outcome and the caller its answer
            failure = e;
        }
        // the vendor's stop first: a worker's exception after it does not change what the vendor said
        results.stopped().ifPresent(results::failUnset);
        if (failure != null) {
            clean = false;
            log.error("destination {} failed on {}; unconfirmed rows fail as retryable", request.destination(), label,
                    failure);
            results.failUnset(RowError.of(ErrorCode.DESTINATION_UNAVAILABLE,
                    "the " + noun + " stopped on an internal error before this row was confirmed"));
        }
        int unset = results.failUnset(deadline.isExpired() ? deadline.expiredError()
                : RowError.of(ErrorCode.DESTINATION_UNAVAILABLE, "no outcome was recorded for this row"));
        if (unset > 0 && !deadline.isExpired()) {
            clean = false;
            log.error("destination {} left {} rows of {} without an outcome", request.destination(), unset, label);
        }
        return clean;
    }
}
