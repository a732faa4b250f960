package io.pushsync.sync.runs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushsync.sync.jobs.JobStatus;

/**
 * A job as the console shows it: its status, plus the pace it has kept since it started.
 *
 * @param percent rows done of the total, 0..100
 * @param rowsPerSecond rows done per second since the job started (null before it started, and for a cancelled or
 *     interrupted job, whose unsent rows are done all at once)
 * @param secondsLeft at that pace, the time left (null when not running or not measurable yet)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(JobStatus status, int percent, Double rowsPerSecond, Long secondsLeft) {
}
