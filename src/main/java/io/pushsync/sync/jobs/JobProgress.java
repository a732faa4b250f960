package io.pushsync.sync.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushsync.sync.Plan;
import io.pushsync.sync.RowStatus;
import java.time.Instant;

/**
 * Where a job stands, written by the replica that runs it (at submission, every progress interval, at the end).
 * {@code heartbeatAt} is the last time the owner wrote: a live job whose heartbeat is older than
 * {@code pushsync.jobs.heartbeat-timeout} is shown as interrupted.
 *
 * @param done rows with a final outcome; the five counts add up to it
 * @param message why a job ended the way it did (cancelled, interrupted), or what a running job waits for (room in
 *     memory), or null
 * @param planned a dry run's planned rows (0 for a job that sends)
 * @param plan a dry run's plan so far (null for a job that sends)
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
        int planned,
        @JsonInclude(JsonInclude.Include.NON_NULL) Plan.Report plan,
        @JsonInclude(JsonInclude.Include.NON_NULL) String snapshot,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer removals,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer removed) {

    /** The progress of a job that sends (no plan). */
    public JobProgress(JobState state, int done, int succeeded, int accepted, int failed, int skipped,
            Instant startedAt, Instant finishedAt, Instant heartbeatAt, String message) {
        this(state, done, succeeded, accepted, failed, skipped, startedAt, finishedAt, heartbeatAt, message, 0, null,
                null, null, null);
    }

    /** This progress with where a replace job stands with its snapshot. */
    JobProgress withReplace(String snapshot, Integer removals, Integer removed) {
        return new JobProgress(state, done, succeeded, accepted, failed, skipped, startedAt, finishedAt,
                heartbeatAt, message, planned, plan, snapshot, removals, removed);
    }

    public static JobProgress queued(Instant now) {
        return new JobProgress(JobState.QUEUED, 0, 0, 0, 0, 0, null, null, now, null);
    }

    /** As {@link #of(JobState, int[], Instant, Instant, Instant, String, Plan.Report)} with no plan. */
    static JobProgress of(JobState state, int[] byStatus, Instant startedAt, Instant finishedAt,
            Instant heartbeatAt, String message) {
        return of(state, byStatus, startedAt, finishedAt, heartbeatAt, message, null);
    }

    /** Where a job stands by the number of rows done in each {@link RowStatus} (indexed by ordinal). */
    static JobProgress of(JobState state, int[] byStatus, Instant startedAt, Instant finishedAt,
            Instant heartbeatAt, String message, Plan.Report plan) {
        int done = 0;
        for (int n : byStatus) {
            done += n;
        }
        return new JobProgress(state, done, byStatus[RowStatus.SUCCEEDED.ordinal()],
                byStatus[RowStatus.ACCEPTED.ordinal()], byStatus[RowStatus.FAILED.ordinal()],
                byStatus[RowStatus.SKIPPED.ordinal()], startedAt, finishedAt, heartbeatAt, message,
                byStatus[RowStatus.PLANNED.ordinal()], plan, null, null, null);
    }
}
