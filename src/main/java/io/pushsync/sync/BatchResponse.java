package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The 200 answer to a batch: one result per input row, in input order. A {@code mode: "replace"} batch also says
 * whether it created the target's snapshot ({@code snapshot}) and lists the members it removed ({@code removed}).
 */
public record BatchResponse(
        String syncId,
        String batchId,
        String destination,
        String objectType,
        String mode,
        Summary summary,
        @JsonInclude(JsonInclude.Include.NON_NULL) String snapshot,
        List<RowResult> results,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RemovedMember> removed,
        long durationMs) {

    /** {@code snapshot}: the target had no snapshot, nothing was removed. */
    public static final String SNAPSHOT_CREATED = "created";
    /** {@code snapshot}: the request was compared with the target's snapshot. */
    public static final String SNAPSHOT_UPDATED = "updated";

    public BatchResponse(String syncId, String batchId, String destination, String objectType, String mode,
            Summary summary, List<RowResult> results, long durationMs) {
        this(syncId, batchId, destination, objectType, mode, summary, null, results, null, durationMs);
    }

    /**
     * @param removed members removed from the target (replace mode only): the vendor confirmed their removal
     */
    public record Summary(int received, int succeeded, int accepted, int failed, int skipped,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer removed) {

        public Summary(int received, int succeeded, int accepted, int failed, int skipped) {
            this(received, succeeded, accepted, failed, skipped, null);
        }

        public static Summary of(List<RowResult> results) {
            int s = 0, a = 0, f = 0, k = 0;
            for (RowResult r : results) {
                switch (r.status()) {
                    case SUCCEEDED -> s++;
                    case ACCEPTED -> a++;
                    case FAILED -> f++;
                    case SKIPPED -> k++;
                }
            }
            return new Summary(results.size(), s, a, f, k);
        }

        public Summary withRemoved(int removed) {
            return new Summary(received, succeeded, accepted, failed, skipped, removed);
        }
    }

    /** A member of the target's snapshot that the replace request no longer has, and the outcome of its removal. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RemovedMember(String identifier, RowStatus status, RowError error) {

        public static RemovedMember of(RowResult result) {
            return new RemovedMember(result.id(), result.status(), result.error());
        }

        /** Whether the vendor took the removal. */
        public boolean removed() {
            return status == RowStatus.SUCCEEDED || status == RowStatus.ACCEPTED;
        }
    }
}
