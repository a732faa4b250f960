package io.pushsync.sync.runs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.history.RunRecord;
import io.pushsync.sync.jobs.JobStatus;
import java.time.Instant;
import java.util.List;

/**
 * A recent run as listed by {@code GET /v1/runs} and the console.
 *
 * @param kind {@code batch} or {@code job}
 * @param outcome {@code running} (a queued or running job), {@code succeeded} (finished, no failed row),
 *     {@code failed} (finished, some rows failed), {@code cancelled}, {@code interrupted}
 * @param state a job's state (null for a batch)
 * @param at a batch: when it finished; a job: when it was submitted
 * @param summary the rows by status (a job: those done so far)
 * @param progress a job's rows done of its total (null for a batch)
 * @param failuresByCode a batch's failed rows by error code (a job's are read at {@code /v1/jobs/{id}/failures})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(
        String kind,
        String syncId,
        String batchId,
        String jobId,
        String destination,
        String objectType,
        String mode,
        Instant at,
        String outcome,
        String state,
        BatchResponse.Summary summary,
        JobStatus.Progress progress,
        List<RunRecord.CodeCount> failuresByCode,
        Long durationMs) {

    public static final List<String> OUTCOMES = List.of("running", "succeeded", "failed", "cancelled", "interrupted");

    public boolean isJob() {
        return RunRecord.JOB.equals(kind);
    }
}
