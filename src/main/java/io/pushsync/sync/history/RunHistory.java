package io.pushsync.sync.history;

import java.util.List;

/**
 * The recent runs of every replica (in the state store: in-process or Redis), newest first. Bounded by count
 * ({@code pushsync.history.max-runs}) and by age (the longer of {@code pushsync.idempotency.ttl} and
 * {@code pushsync.jobs.retention}: a run is listed as long as its results can be read).
 */
public interface RunHistory {

    /** Adds a run. Callers treat a failure as best effort: a run is never failed for want of its history entry. */
    void record(RunRecord run);

    /** Up to {@code limit} runs, newest first, none older than the retention. */
    List<RunRecord> recent(int limit);

    /** An index that keeps nothing (services built by hand in tests). */
    static RunHistory none() {
        return new RunHistory() {
            @Override
            public void record(RunRecord run) {
            }

            @Override
            public List<RunRecord> recent(int limit) {
                return List.of();
            }
        };
    }
}
