package io.pushsync.sync.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.Plan;
import java.time.Instant;

/**
 * What {@code GET /v1/jobs/{jobId}} answers. {@code summary} counts the rows done so far; its counts add up to
 * {@code received} once the job has finished. A dry-run job's summary counts its planned rows, and {@code plan} says
 * what the real run would send (so far, while it runs). A replace job also says whether it created its target's
 * snapshot ({@code snapshot}) and counts the members it removed ({@code summary.removed}, listed at
 * {@code /v1/jobs/{jobId}/removed}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatus(
        String jobId,
        JobState state,
        Progress progress,
        BatchResponse.Summary summary,
        Plan.Report plan,
        String snapshot,
        String syncId,
        String batchId,
        String destination,
        String objectType,
        String mode,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        boolean cancelRequested,
        String message) {

    public record Progress(int total, int done) {
    }

    static JobStatus of(StoredJob job) {
        JobSpec s = job.spec();
        JobProgress p = job.progress();
        BatchResponse.Summary summary = new BatchResponse.Summary(s.total(), p.succeeded(), p.accepted(),
                p.failed(), p.skipped(), s.dryRun() ? p.planned() : null, p.removed());
        return new JobStatus(s.jobId(), p.state(), new Progress(s.total(), p.done()), summary,
                s.dryRun() ? p.plan() == null ? new Plan(0).report() : p.plan() : null, p.snapshot(),
                s.syncId(), s.batchId(), s.destination(), s.objectType(), s.mode(), s.createdAt(), p.startedAt(),
                p.finishedAt(), job.cancelRequestedAt() != null, p.message());
    }
}
