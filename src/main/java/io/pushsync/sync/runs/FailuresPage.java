package io.pushsync.sync.runs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushsync.sync.history.RunRecord;
import java.util.List;

/**
 * A page of a run's failed rows, in input order, with every failure of the run grouped by error code.
 *
 * @param rowsAvailable false when the run's rows can no longer be read (a batch no longer in the idempotency ledger,
 *     or a job that has not finished): {@code byCode} then comes from the recent-runs index (batches) or is empty
 * @param totalFailed failed rows in the run
 * @param nextOffset absent on the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FailuresPage(
        boolean rowsAvailable,
        int totalFailed,
        List<RunRecord.CodeCount> byCode,
        int offset,
        int limit,
        List<FailedRow> rows,
        Integer nextOffset) {
}
