package io.pushsync.sync;

import java.util.List;

/** The 200 answer to a batch: one result per input row, in input order. */
public record BatchResponse(
        String syncId,
        String batchId,
        String destination,
        String objectType,
        String mode,
        Summary summary,
        List<RowResult> results,
        long durationMs) {

    public record Summary(int received, int succeeded, int accepted, int failed, int skipped) {

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
    }
}
