package io.pushsync.sync.jobs;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads jobs from the store, for any replica: a job's status and its results a page at a time. A live job that no
 * replica holds any more (its heartbeat older than {@code heartbeat-timeout}) is finished by the reader as
 * interrupted, keeping the results of the segments already stored; a segment never stored is written with every
 * row {@code interrupted}, so that every reader sees the same answer.
 */
final class JobReader {

    private static final Logger log = LoggerFactory.getLogger(JobReader.class);

    private final JobStore store;
    private final JobProperties properties;
    private final LocalJobs local;
    private final JobMetrics metrics;
    private final Clock clock;

    JobReader(JobStore store, JobProperties properties, LocalJobs local, JobMetrics metrics, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.properties = properties;
        this.local = local;
        this.clock = clock;
    }

    JobStatus status(String jobId) {
        return JobStatus.of(current(jobId));
    }

    JobResultsPage results(String jobId, int offset, int limit) {
        checkPage(offset, limit);
        StoredJob job = current(jobId);
        if (!job.progress().state().isFinal()) {
            throw new JobNotFinishedException(JobStatus.of(job));
        }
        JobSpec spec = job.spec();
        int end = (int) Math.min(spec.total(), (long) offset + limit);
        List<RowResult> page = slice(offset, end, spec.segmentSize(), s -> segmentResults(spec, s, job.progress()));
        return new JobResultsPage(jobId, job.progress().state(), spec.total(), offset, limit, page,
                end < spec.total() ? end : null);
    }

    /**
     * A page of a finished replace job's removals, from the segments stored (a job interrupted before it stored a
     * segment of removals lists the ones it stored).
     */
    JobRemovedPage removed(String jobId, int offset, int limit) {
        checkPage(offset, limit);
        StoredJob job = current(jobId);
        if (!job.progress().state().isFinal()) {
            throw new JobNotFinishedException(JobStatus.of(job));
        }
        if (!ObjectTypeDescriptor.REPLACE.equals(job.spec().mode())) {
            throw new InvalidPageException("job " + jobId + " is a " + job.spec().mode() + " job: only replace "
                    + "jobs remove members");
        }
        JobSpec spec = job.spec();
        int total = job.progress().removals() == null ? 0 : job.progress().removals();
        int end = (int) Math.min(total, (long) offset + limit);
        List<BatchResponse.RemovedMember> page = slice(offset, end, spec.segmentSize(),
                s -> store.removed(jobId, s).orElse(List.<RowResult>of())).stream()
                .map(BatchResponse.RemovedMember::of).toList();
        return new JobRemovedPage(jobId, job.progress().state(), total, offset, limit, page, end < total ? end : null);
    }

    /**
     * Entries {@code [offset, end)} of a list stored in segments of {@code segmentSize}, reading only the segments
     * they are in; a segment shorter than its size (not stored) gives what it has.
     */
    private static List<RowResult> slice(int offset, int end, int segmentSize, IntFunction<List<RowResult>> segments) {
        List<RowResult> page = new ArrayList<>(Math.max(0, end - offset));
        for (int s = offset / segmentSize; offset < end && s <= (end - 1) / segmentSize; s++) {
            int segmentStart = s * segmentSize;
            List<RowResult> segment = segments.apply(s);
            int from = Math.max(offset, segmentStart) - segmentStart;
            int to = Math.min(end, segmentStart + segment.size()) - segmentStart;
            if (from < to) {
                page.addAll(segment.subList(from, to));
            }
        }
        return page;
    }

    private void checkPage(int offset, int limit) {
        if (offset < 0) {
            throw new InvalidPageException("offset must be 0 or more, not " + offset);
        }
        if (limit < 1 || limit > properties.maxPageSize()) {
            throw new InvalidPageException("limit must be between 1 and " + properties.maxPageSize()
                    + " (pushsync.jobs.max-page-size), not " + limit);
        }
    }

    /** The stored job; a live job whose replica stopped writing is finished here as interrupted. */
    StoredJob current(String jobId) {
        StoredJob job = store.find(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        JobProgress p = job.progress();
        if (p.state().isFinal() || local.holds(jobId)
                || p.heartbeatAt().plus(properties.heartbeatTimeout()).isAfter(clock.instant())) {
            return job;
        }
        return adoptInterrupted(job);
    }

    private StoredJob adoptInterrupted(StoredJob job) {
        JobSpec spec = job.spec();
        JobProgress last = job.progress();
        String why = "the replica running this job (" + spec.owner() + ") stopped writing progress at "
                + last.heartbeatAt() + " before the job finished";
        int[] counts = new int[RowStatus.values().length];
        int interrupted = 0;
        for (int s = 0; s < spec.segments(); s++) {
            List<RowResult> segment = segmentResults(spec, s, last);
            for (RowResult r : segment) {
                counts[r.status().ordinal()]++;
                if (r.error() != null && ErrorCode.INTERRUPTED.code().equals(r.error().code())) {
                    interrupted++;
                }
            }
        }
        JobProgress end = JobProgress.of(JobState.INTERRUPTED, counts, last.startedAt(), clock.instant(),
                last.heartbeatAt(), why + "; " + interrupted + " rows without a confirmed outcome failed "
                        + "'interrupted' and can be retried", last.plan());
        if (last.snapshot() != null) {
            // a replace job keeps what it last said of its snapshot; its removals list the segments it stored
            end = end.withReplace(last.snapshot(), last.removals(), last.removed());
        }
        store.finish(spec.jobId(), end, properties.retention());
        metrics.finished(spec.destination(), JobState.INTERRUPTED);
        log.warn("job {} finished as interrupted: {}", spec.jobId(), why);
        return new StoredJob(spec, end, job.cancelRequestedAt());
    }

    /**
     * The stored results of a segment; a segment never stored (its replica died first) is written now with every
     * row {@code interrupted}, so that every reader sees the same answer.
     */
    private List<RowResult> segmentResults(JobSpec spec, int segment, JobProgress progress) {
        Optional<List<RowResult>> stored = store.results(spec.jobId(), segment);
        if (stored.isPresent()) {
            return stored.get();
        }
        RowError error = RowError.of(ErrorCode.INTERRUPTED, "the job was interrupted before this row's outcome was "
                + "recorded; it may or may not have reached the vendor: retry it");
        List<RowResult> missing = new ArrayList<>();
        for (String id : store.rowIds(spec.jobId(), segment)) {
            missing.add(RowResult.failed(id, error));
        }
        store.saveResults(spec.jobId(), segment, missing);
        return missing;
    }
}
