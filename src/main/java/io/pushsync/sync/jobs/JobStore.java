package io.pushsync.sync.jobs;

import io.pushsync.sync.RowResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where jobs live: their spec, progress, cancel requests, row ids and results, and the idempotency claim of their
 * {@code (syncId, batchId)}. The in-process store serves a single instance; a shared store (Redis) lets any replica
 * read, page and cancel a job that another one runs.
 *
 * <p>Ids and results are stored by <em>segment</em> ({@link JobSpec#segmentSize()} rows, in input order), encoded
 * compactly ({@link JobSegments}): never one entry per row.
 */
public interface JobStore {

    /** What {@link #create} found. */
    sealed interface Submission permits Created, Existing, Mismatch {
    }

    /** The {@code (syncId, batchId)} was free: the job is stored, queued. */
    record Created() implements Submission {
    }

    /** A job with the same {@code (syncId, batchId)} and the same fingerprint exists: a replay. */
    record Existing(String jobId) implements Submission {
    }

    /** A job with the same {@code (syncId, batchId)} but a different payload exists. */
    record Mismatch(String jobId) implements Submission {
    }

    /**
     * Atomically claims {@code (syncId, batchId)} for this job unless a job already holds it, then stores the spec,
     * the first progress and the row ids. Everything lives for {@code ttl} (until {@link #finish} shortens it).
     */
    Submission create(JobSpec spec, JobProgress progress, List<String> rowIds, Duration ttl);

    Optional<StoredJob> find(String jobId);

    /** The owner's progress report (also its heartbeat). */
    void saveProgress(String jobId, JobProgress progress);

    /** The final progress; the job and its claim are kept for {@code retention} from now, then forgotten. */
    void finish(String jobId, JobProgress progress, Duration retention);

    /** Records a cancel request (first one wins); false when the job is unknown. */
    boolean requestCancel(String jobId, Instant at);

    /** Whether a cancel was requested (cheap: polled by the owner every progress interval). */
    boolean isCancelRequested(String jobId);

    /** Stores the final results of one segment (rows {@code segment * segmentSize} onwards, in input order). */
    void saveResults(String jobId, int segment, List<RowResult> results);

    /** The stored results of one segment, or empty when that segment has not been stored. */
    Optional<List<RowResult>> results(String jobId, int segment);

    /** The row ids of one segment, as submitted. */
    List<String> rowIds(String jobId, int segment);

    /** Forgets a job and frees its claim (a submission refused because the queue was full). */
    void delete(String jobId);

    /** Forgets jobs whose time is up, for stores that do not expire entries themselves (called periodically). */
    default void purgeExpired() {
    }
}
