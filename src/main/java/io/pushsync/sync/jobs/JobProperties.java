package io.pushsync.sync.jobs;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code pushsync.jobs.*}: background jobs.
 *
 * @param maxRows rows per job; more is a 413
 * @param maxBodySize size of a job's request body; larger is a 413 before parsing (the body waits in the spool
 *     directory, not in memory, until the job ends)
 * @param maxRunning jobs running at once on one replica: threads, most of them waiting for their accounts' rate
 *     limits; the memory of their rows is bounded by {@code maxRowsInMemory}, not by this
 * @param queueCapacity jobs waiting on one replica; a submission beyond it is refused with 429 and Retry-After
 * @param deadline time budget of one job, from its start
 * @param retention how long a finished job (status, results, idempotency claim) is kept
 * @param progressInterval how often a running job writes its progress (and heartbeat) and looks for a cancel request
 * @param heartbeatTimeout a live job whose replica has not written for this long is shown as interrupted
 * @param shutdownGrace on shutdown, how long running jobs may go on before they are interrupted
 * @param retryAfter the Retry-After of a refused submission (queue full, shutting down)
 * @param segmentSize rows per stored segment of ids and results
 * @param maxPageSize largest {@code limit} of a results page
 * @param windowRows rows a job reads from its spooled body and hands to the adapter at a time, rounded down to whole
 *     segments (at least one): what a running job holds in memory
 * @param maxRowsInMemory rows the running jobs of one replica hold in their windows at once; a job waits for room
 *     before it reads its next window (first come, first served; a window larger than this takes all of it); with
 *     less room free than its window but at least half of it, it reads a shorter window of what is free
 * @param spoolDir where job bodies wait on disk while their job lives; {@code java.io.tmpdir/pushsync-jobs} when
 *     unset. Each replica uses a subdirectory of its own ({@link JobSpool})
 * @param stateWriteRetry how a running job's writes to the job store (progress, result segments, its end, cancel
 *     checks) ride out a stall of the store
 */
@ConfigurationProperties("pushsync.jobs")
public record JobProperties(
        @DefaultValue("1000000") int maxRows,
        @DefaultValue("256MB") DataSize maxBodySize,
        @DefaultValue("32") int maxRunning,
        @DefaultValue("8") int queueCapacity,
        @DefaultValue("24h") Duration deadline,
        @DefaultValue("24h") Duration retention,
        @DefaultValue("1s") Duration progressInterval,
        @DefaultValue("60s") Duration heartbeatTimeout,
        @DefaultValue("30s") Duration shutdownGrace,
        @DefaultValue("30s") Duration retryAfter,
        @DefaultValue("1000") int segmentSize,
        @DefaultValue("10000") int maxPageSize,
        @DefaultValue("10000") int windowRows,
        @DefaultValue("20000") int maxRowsInMemory,
        Path spoolDir,
        @DefaultValue StateWriteRetry stateWriteRetry) {

    /**
     * {@code pushsync.jobs.state-write-retry.*}: a running job's write to the job store that fails (Redis stalled or
     * unreachable) is tried again, with exponential backoff from {@code backoff} up to {@code max-backoff}, for up to
     * {@code max-duration}; the attempt under way when that time is up is the last. A store that stays down longer
     * stops the job (it ends {@code interrupted}). {@code max-duration} 0: no retry.
     *
     * @param maxDuration how long one write is retried; shorter than {@code heartbeat-timeout}, so that no other
     *     replica takes a job for dead while its replica still retries
     * @param backoff the wait after the first failure; each next wait doubles it
     * @param maxBackoff the longest wait between two attempts
     */
    public record StateWriteRetry(
            @DefaultValue("30s") Duration maxDuration,
            @DefaultValue("250ms") Duration backoff,
            @DefaultValue("2s") Duration maxBackoff) {

        public StateWriteRetry {
            if (maxDuration.isNegative() || backoff.isNegative() || backoff.isZero()
                    || maxBackoff.compareTo(backoff) < 0) {
                throw new IllegalArgumentException("pushsync.jobs.state-write-retry: max-duration must be 0 or more, "
                        + "backoff more than 0 and max-backoff at least backoff");
            }
        }

        /** The defaults: 30s, 250ms, 2s. */
        public static StateWriteRetry defaults() {
            return new StateWriteRetry(Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofSeconds(2));
        }
    }

    public JobProperties {
        if (maxRunning < 1 || queueCapacity < 0 || segmentSize < 1 || maxPageSize < 1 || maxRows < 1
                || windowRows < 1 || maxRowsInMemory < 1) {
            throw new IllegalArgumentException("pushsync.jobs: max-running, segment-size, max-page-size, max-rows, "
                    + "window-rows and max-rows-in-memory must be at least 1, queue-capacity at least 0");
        }
        if (stateWriteRetry == null) {
            stateWriteRetry = StateWriteRetry.defaults();
        }
        if (stateWriteRetry.maxDuration().compareTo(heartbeatTimeout) >= 0) {
            throw new IllegalArgumentException("pushsync.jobs.state-write-retry.max-duration ("
                    + stateWriteRetry.maxDuration() + ") must be shorter than pushsync.jobs.heartbeat-timeout ("
                    + heartbeatTimeout + "): other replicas would take a job for dead while its replica retries");
        }
        if (spoolDir == null) {
            spoolDir = Path.of(System.getProperty("java.io.tmpdir"), "pushsync-jobs");
        }
    }

    /** The rows of one window: {@code window-rows} rounded down to whole segments, at least one segment. */
    public int window() {
        return Math.max(1, windowRows / segmentSize) * segmentSize;
    }
}
