package io.pushsync.sync.jobs;

import java.time.Instant;

/** A job as a {@link JobStore} holds it; {@code cancelRequestedAt} is set by a cancel on any replica. */
public record StoredJob(JobSpec spec, JobProgress progress, Instant cancelRequestedAt) {
}
