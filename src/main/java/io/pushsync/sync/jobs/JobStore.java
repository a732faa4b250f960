package io.pushsync.sync.jobs;

import io.pushsync.sync.RowResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

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
     * the first progress and the row ids. Everything lives for {@code ttl} (until {@link #finish} shortens it). The
     * job is visible (to {@link #find}, and as the holder of its claim) only with all its row ids stored.
     *
     * @param rowIds the row ids by segment: {@link JobSpec#segments()} lists, in input order, segment {@code s}
     *     holding the ids of rows {@link JobSpec#segmentFrom} to {@link JobSpec#segmentTo}. The store takes them one
     *     at a time (a million-row job's ids are never one list in memory) and only when the claim is free: a
     *     replay or a mismatch found at once reads none
     */
    Submission create(JobSpec spec, JobProgress progress, Iterator<List<String>> rowIds, Duration ttl);

    /** As {@link #create(JobSpec, JobProgress, Iterator, Duration)} with every row id in one list. */
    default Submission create(JobSpec spec, JobProgress progress, List<String> rowIds, Duration ttl) {
        return create(spec, progress, IntStream.range(0, spec.segments())
                .mapToObj(s -> rowIds.subList(spec.segmentFrom(s), spec.segmentTo(s))).iterator(), ttl);
    }

    Optional<StoredJob> find(String jobId);

    /**
     * The id of the live job holding the claim of {@code (syncId, batchId)}, whatever its payload, or empty. A
     * {@code /batches} delivery of those ids looks here after claiming them in the idempotency ledger (one key space
     * for both endpoints).
     */
    Optional<String> jobIdFor(String syncId, String batchId);

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

    /**
     * Stores the outcomes of one segment of a replace job's removals (the members of the target's snapshot the job's
     * audience no longer has; each result's id is the member), {@link JobSpec#segmentSize()} per segment.
     */
    void saveRemoved(String jobId, int segment, List<RowResult> results);

    /** The stored outcomes of one segment of a replace job's removals, or empty. */
    Optional<List<RowResult>> removed(String jobId, int segment);

    /** The row ids of one segment, as submitted. */
    List<String> rowIds(String jobId, int segment);

    /** Forgets a job and frees its claim (a submission refused because the queue was full). */
    void delete(String jobId);

    /** Forgets jobs whose time is up, for stores that do not expire entries themselves (called periodically). */
    default void purgeExpired() {
    }
}
