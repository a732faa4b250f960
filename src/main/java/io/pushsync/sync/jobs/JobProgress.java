package io.pushsync.sync.jobs;

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

    /** Where a job stands by the number of rows done in each {@link RowStatus} (indexed by ordinal). */
    static JobProgress of(JobState state, int[] byStatus, Instant startedAt, Instant finishedAt,
            Instant heartbeatAt, String message) {
        int done = 0;
        for (int n : byStatus) {
            done += n;
        }
        return new JobProgress(state, done, byStatus[RowStatus.SUCCEEDED.ordinal()],
                byStatus[RowStatus.ACCEPTED.ordinal()], byStatus[RowStatus.FAILED.ordinal()],
                byStatus[RowStatus.SKIPPED.ordinal()], startedAt, finishedAt, heartbeatAt, message);
    }
}
