/**
 * Background jobs: a batch submitted once and run by the replica that accepted it, window by window, its results
 * read later from the job store by any replica. {@link io.pushsync.sync.jobs.JobService} takes submissions and
 * cancels and owns the executor, the ticker and the lifecycle; {@link io.pushsync.sync.jobs.JobRunner} runs a job;
 * {@link io.pushsync.sync.jobs.JobReader} reads one. Jobs share one key space with {@code /batches}:
 * {@link io.pushsync.sync.batches.BatchService} looks ids up in the {@link io.pushsync.sync.jobs.JobStore}.
 */
package io.pushsync.sync.jobs;
