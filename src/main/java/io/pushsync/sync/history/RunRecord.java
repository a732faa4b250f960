package io.pushsync.sync.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of the recent-runs index. A batch is recorded when it finishes, with its summary and its failures by
 * error code (its rows stay in the idempotency ledger); a job when it is submitted, by id (its state, progress and
 * results are read live from the job store).
 *
 * @param kind {@code batch} or {@code job}
 * @param at a batch: when it finished; a job: when it was submitted
 * @param summary a batch's summary (null for a job)
 * @param failuresByCode a batch's failed rows by error code (null for a job)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
        String kind,
        String syncId,
        String batchId,
        String jobId,
        String destination,
        String objectType,
        String mode,
        Instant at,
        BatchResponse.Summary summary,
        List<CodeCount> failuresByCode,
        Long durationMs) {

    public static final String BATCH = "batch";
    public static final String JOB = "job";

    /** Rows that failed with one error code. */
    public record CodeCount(String code, boolean retryable, int count) {
    }

    public static RunRecord batch(BatchResponse response, Instant finishedAt) {
        return new RunRecord(BATCH, response.syncId(), response.batchId(), null, response.destination(),
                response.objectType(), response.mode(), finishedAt, response.summary(),
                byCode(response.results()), response.durationMs());
    }

    public static RunRecord job(String jobId, String syncId, String batchId, String destination,
            String objectType, String mode, Instant submittedAt) {
        return new RunRecord(JOB, syncId, batchId, jobId, destination, objectType, mode, submittedAt, null, null,
                null);
    }

    /** Failed rows grouped by error code, most frequent first. */
    public static List<CodeCount> byCode(Iterable<RowResult> results) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, Boolean> retryable = new LinkedHashMap<>();
        for (RowResult r : results) {
            if (r.status() == RowStatus.FAILED && r.error() != null) {
                counts.computeIfAbsent(r.error().code(), c -> new int[1])[0]++;
                retryable.putIfAbsent(r.error().code(), r.error().retryable());
            }
        }
        List<CodeCount> out = new ArrayList<>();
        counts.forEach((code, n) -> out.add(new CodeCount(code, retryable.get(code), n[0])));
        out.sort((a, b) -> Integer.compare(b.count(), a.count()));
        return out;
    }
}
