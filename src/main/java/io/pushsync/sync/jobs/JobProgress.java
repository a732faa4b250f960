package io.pushsync.sync.jobs;

import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import java.time.Instant;

/**
 * Where a job stands, written by the replica that runs it (at submission, every progress interval, at the end).
 * {@code heartbeatAt} is the last time the owner wrote: a live job whose heartbeat is older than
 * {@code pushsync.jobs.heartbeat-timeout} is shown as interrupted.
 *
 * @param done rows with a final outcome; the four counts add up to it
 * @param message why a job ended the way it did (cancelled, interrupted), or null
 */
public record JobProgress(
        JobState state,
        int done,
        int succeeded,
        int accepted,
        int failed,
        int skipped,
        Instant startedAt,
        Instant finishedAt,
        Instant heartbeatAt,
        String message) {

    public static JobProgress queued(Instant now) {
        return new JobProgress(JobState.QUEUED, 0, 0, 0, 0, 0, null, null, now, null);
    }

    /** Where a job stands by its live results. */
    static JobProgress of(JobState state, RowResults results, Instant startedAt, Instant finishedAt,
            Instant heartbeatAt, String message) {
        return new JobProgress(state, results.done(), results.count(RowStatus.SUCCEEDED),
                results.count(RowStatus.ACCEPTED), results.count(RowStatus.FAILED), results.count(RowStatus.SKIPPED),
                startedAt, finishedAt, heartbeatAt, message);
    }
}
