package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The 200 answer to a batch: one result per input row, in input order. {@code plan} only for a dry run: what the
 * real run would send. A {@code mode: "replace"} batch also says whether it created the target's snapshot
 * ({@code snapshot}) and lists the members it removed ({@code removed}).
 */
public record BatchResponse(
        String syncId,
        String batchId,
        String destination,
        String objectType,
        String mode,
        Summary summary,
        @JsonInclude(JsonInclude.Include.NON_NULL) Plan.Report plan,
        @JsonInclude(JsonInclude.Include.NON_NULL) String snapshot,
        List<RowResult> results,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RemovedMember> removed,
        long durationMs) {

    /** {@code snapshot}: the target had no snapshot, nothing was removed. */
    public static final String SNAPSHOT_CREATED = "created";
    /** {@code snapshot}: the request was compared with the target's snapshot. */
    public static final String SNAPSHOT_UPDATED = "updated";

    /** The answer of a batch that ran (no plan), not a replace. */
    public BatchResponse(String syncId, String batchId, String destination, String objectType, String mode,
            Summary summary, List<RowResult> results, long durationMs) {
        this(syncId, batchId, destination, objectType, mode, summary, null, null, results, null, durationMs);
    }

    /** The answer of a dry run that is not a replace. */
    public BatchResponse(String syncId, String batchId, String destination, String objectType, String mode,
            Summary summary, Plan.Report plan, List<RowResult> results, long durationMs) {
        this(syncId, batchId, destination, objectType, mode, summary, plan, null, results, null, durationMs);
    }

    /**
     * The rows by status; {@code planned} only for a dry run, {@code removed} only for a replace (null otherwise,
     * and then not shown).
     *
     * @param removed members removed from the target (replace mode): the vendor took their removal (a dry run:
     *     the removals it would send)
     */
    public record Summary(int received, int succeeded, int accepted, int failed, int skipped,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer planned,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer removed) {

        public Summary(int received, int succeeded, int accepted, int failed, int skipped) {
            this(received, succeeded, accepted, failed, skipped, null, null);
        }

        public Summary(int received, int succeeded, int accepted, int failed, int skipped, Integer planned) {
            this(received, succeeded, accepted, failed, skipped, planned, null);
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
            return new Summary(results.size(), s, a, f, k, dryRun ? p : null, null);
        }

        public Summary withRemoved(int removed) {
            return new Summary(received, succeeded, accepted, failed, skipped, planned, removed);
        }
    }

    /**
     * A member of the target's snapshot that the replace request no longer has, and the outcome of its removal
     * ({@code action} only in a dry run: {@code planned} with {@code remove} or {@code untag}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RemovedMember(String identifier, RowStatus status, RowAction action, RowError error) {

        public static RemovedMember of(RowResult result) {
            return new RemovedMember(result.id(), result.status(), result.action(), result.error());
        }
    }
}
