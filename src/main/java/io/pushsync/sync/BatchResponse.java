package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The 200 answer to a batch: one result per input row, in input order. {@code plan} only for a dry run: what the
 * real run would send.
 */
public record BatchResponse(
        String syncId,
        String batchId,
        String destination,
        String objectType,
        String mode,
        Summary summary,
        @JsonInclude(JsonInclude.Include.NON_NULL) Plan.Report plan,
        List<RowResult> results,
        long durationMs) {

    /** The answer of a batch that ran (no plan). */
    public BatchResponse(String syncId, String batchId, String destination, String objectType, String mode,
            Summary summary, List<RowResult> results, long durationMs) {
        this(syncId, batchId, destination, objectType, mode, summary, null, results, durationMs);
    }

    /** The rows by status; {@code planned} only for a dry run (null otherwise, and then not shown). */
    public record Summary(int received, int succeeded, int accepted, int failed, int skipped,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer planned) {

        public Summary(int received, int succeeded, int accepted, int failed, int skipped) {
            this(received, succeeded, accepted, failed, skipped, null);
        }

        public static Summary of(List<RowResult> results) {
            return of(results, false);
        }

        /** The counts of {@code results}; a dry run's summary counts its planned rows too. */
        public static Summary of(List<RowResult> results, boolean dryRun) {
            int s = 0, a = 0, f = 0, k = 0, p = 0;
            for (RowResult r : results) {
                switch (r.status()) {
                    case SUCCEEDED -> s++;
                    case ACCEPTED -> a++;
                    case FAILED -> f++;
                    case SKIPPED -> k++;
                    case PLANNED -> p++;
                }
            }
            return new Summary(results.size(), s, a, f, k, dryRun ? p : null);
        }
    }
}
