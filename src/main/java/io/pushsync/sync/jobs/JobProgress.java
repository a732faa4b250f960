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
 * @param snapshot replace jobs: {@code created} or {@code updated} once the audience was compared; else null
 * @param removals replace jobs: members of the snapshot the audience no longer has (each gets a removal)
 * @param removed replace jobs: removals the vendor took so far
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
        String message,
        String snapshot,
        Integer removals,
        Integer removed) {

    public JobProgress(JobState state, int done, int succeeded, int accepted, int failed, int skipped,
            Instant startedAt, Instant finishedAt, Instant heartbeatAt, String message) {
        this(state, done, succeeded, accepted, failed, skipped, startedAt, finishedAt, heartbeatAt, message, null,
                null, null);
    }

    /** This progress with where a replace job stands with its snapshot. */
    JobProgress withReplace(String snapshot, Integer removals, Integer removed) {
        return new JobProgress(state, done, succeeded, accepted, failed, skipped, startedAt, finishedAt,
                heartbeatAt, message, snapshot, removals, removed);
    }

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
