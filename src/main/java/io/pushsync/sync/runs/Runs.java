package io.pushsync.sync.runs;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.history.RunHistory;
import io.pushsync.sync.history.RunRecord;
import io.pushsync.sync.idempotency.IdempotencyLedger;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.jobs.JobNotFoundException;
import io.pushsync.sync.jobs.JobProperties;
import io.pushsync.sync.jobs.JobResultsPage;
import io.pushsync.sync.jobs.JobService;
import io.pushsync.sync.jobs.JobState;
import io.pushsync.sync.jobs.JobStatus;
import io.pushsync.sync.jobs.InvalidPageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;

/**
 * Recent runs across replicas, a batch's or a job's failures (grouped by code, paged, as CSV) and a job's pace: what
 * {@code /v1/runs}, {@code /v1/jobs/{id}/failures} and the console show. Reads only.
 */
@Service
public class Runs {

    /** Runs listed when no limit is given. */
    public static final int DEFAULT_LIMIT = 50;
    /** The largest page of failed rows. */
    public static final int MAX_PAGE = 1000;

    private final RunHistory history;
    private final IdempotencyLedger ledger;
    private final JobService jobs;
    private final JobProperties jobProperties;
    private final int maxRuns;
    private final Duration retention;
    private final Clock clock = Clock.systemUTC();

    public Runs(RunHistory history, IdempotencyLedger ledger, JobService jobs, JobProperties jobProperties,
            IdempotencyProperties idempotency, io.pushsync.sync.history.HistoryProperties historyProperties) {
        this.history = history;
        this.ledger = ledger;
        this.jobs = jobs;
        this.jobProperties = jobProperties;
        this.maxRuns = historyProperties.maxRuns();
        this.retention = RunsConfiguration.retention(idempotency, jobProperties);
    }

    /** How long runs stay listed (the longer of the idempotency ttl and the job retention). */
    public Duration retention() {
        return retention;
    }

    public int maxRuns() {
        return maxRuns;
    }

    /**
     * Recent runs, newest first, filtered (each filter optional: null or blank matches all).
     *
     * @param outcome one of {@link RunView#OUTCOMES}
     * @throws InvalidPageException for an unknown outcome or a limit outside 1..max-runs
     */
    public List<RunView> recent(String destination, String syncId, String outcome, int limit) {
        if (limit < 1 || limit > maxRuns) {
            throw new InvalidPageException("limit must be between 1 and " + maxRuns + " (pushsync.history.max-runs), "
                    + "not " + limit);
        }
        String wanted = blank(outcome) ? null : outcome.strip().toLowerCase(Locale.ROOT);
        if (wanted != null && !RunView.OUTCOMES.contains(wanted)) {
            throw new InvalidPageException("outcome must be one of " + String.join(", ", RunView.OUTCOMES));
        }
        List<RunView> out = new ArrayList<>();
        for (RunRecord run : history.recent(maxRuns)) {
            if (out.size() >= limit) {
                break;
            }
            if (!blank(destination) && !destination.strip().equals(run.destination())
                    || !blank(syncId) && !syncId.strip().equals(run.syncId())) {
                continue;
            }
            Optional<RunView> view = view(run);
            if (view.isPresent() && (wanted == null || wanted.equals(view.get().outcome()))) {
                out.add(view.get());
            }
        }
        return out;
    }

    /** The destinations of the recent runs (from the index alone: no job is read). */
    public List<String> destinations() {
        return history.recent(maxRuns).stream().map(RunRecord::destination).distinct().sorted().toList();
    }

    /** The batch's entry of the recent runs (its summary), or empty. */
    public Optional<RunView> batch(String syncId, String batchId) {
        for (RunRecord run : history.recent(maxRuns)) {
            if (RunRecord.BATCH.equals(run.kind()) && run.syncId().equals(syncId) && run.batchId().equals(batchId)) {
                return view(run);
            }
        }
        return ledger.finished(syncId, batchId).map(r -> view(RunRecord.batch(r, null)).orElseThrow());
    }

    /**
     * A page of a batch's failed rows from the idempotency ledger; a batch no longer there (or never recorded, as one
     * the ledger could not store) answers its failures by code from the recent runs, without rows.
     *
     * @throws RunNotFoundException when neither knows the batch
     */
    public FailuresPage batchFailures(String syncId, String batchId, int offset, int limit) {
        checkPage(offset, limit);
        Optional<BatchResponse> stored = ledger.finished(syncId, batchId);
        if (stored.isPresent()) {
            return page(stored.get().results(), offset, limit);
        }
        RunView run = batch(syncId, batchId).orElseThrow(() -> new RunNotFoundException("no batch '" + batchId
                + "' of sync '" + syncId + "' among the recent runs"));
        int total = run.summary() == null ? 0 : run.summary().failed();
        return new FailuresPage(false, total, run.failuresByCode(), offset, limit, List.of(), null);
    }

    /** A page of a finished job's failed rows (a live job has none to show yet: rowsAvailable false). */
    public FailuresPage jobFailures(String jobId, int offset, int limit) {
        checkPage(offset, limit);
        JobStatus status = jobs.status(jobId);
        if (!status.state().isFinal()) {
            return new FailuresPage(false, status.summary().failed(), List.of(), offset, limit, List.of(), null);
        }
        List<RowResult> failed = new ArrayList<>();
        List<RowResult> window = new ArrayList<>();
        int[] index = {0};
        eachJobResult(jobId, r -> {
            if (r.status() == RowStatus.FAILED) {
                failed.add(new RowResult(null, r.status(), null, null, r.error())); // for the counts only
                if (index[0] >= offset && window.size() < limit) {
                    window.add(r);
                }
                index[0]++;
            }
        });
        int total = index[0];
        return new FailuresPage(true, total, RunRecord.byCode(failed), offset, limit,
                window.stream().map(FailedRow::of).toList(), offset + window.size() < total ? offset
                        + window.size() : null);
    }

    /** A job's status and pace. */
    public JobView job(String jobId) {
        JobStatus status = jobs.status(jobId);
        int total = status.progress().total();
        int done = status.progress().done();
        int percent = total == 0 ? 100 : (int) Math.min(100, (long) done * 100 / total);
        Double rate = null;
        Long left = null;
        if (status.startedAt() != null) {
            Instant end = status.finishedAt() != null ? status.finishedAt() : clock.instant();
            double seconds = Math.max(0.001, Duration.between(status.startedAt(), end).toMillis() / 1000.0);
            // a cancelled or interrupted job's unsent rows are done at once: no pace to show for it
            boolean paced = status.state() == JobState.RUNNING || status.state() == JobState.COMPLETED;
            rate = paced ? Math.round(done / seconds * 10) / 10.0 : null;
            if (status.state() == JobState.RUNNING && done > 0) {
                left = (long) Math.ceil((total - done) / (done / seconds));
            }
        }
        return new JobView(status, percent, rate, left);
    }

    /** Writes a batch's failed rows as CSV (id, code, field, message, retryable); false when its rows are gone. */
    public boolean batchFailuresCsv(String syncId, String batchId, Writer out) {
        Optional<BatchResponse> stored = ledger.finished(syncId, batchId);
        if (stored.isEmpty()) {
            if (batch(syncId, batchId).isEmpty()) {
                throw new RunNotFoundException("no batch '" + batchId + "' of sync '" + syncId
                        + "' among the recent runs");
            }
            return false;
        }
        csvHeader(out);
        stored.get().results().forEach(r -> csvRow(out, r));
        return true;
    }

    /** Writes a finished job's failed rows as CSV; false while it runs. */
    public boolean jobFailuresCsv(String jobId, Writer out) {
        if (!jobs.status(jobId).state().isFinal()) {
            return false;
        }
        csvHeader(out);
        eachJobResult(jobId, r -> csvRow(out, r));
        return true;
    }

    private void eachJobResult(String jobId, Consumer<RowResult> each) {
        int page = jobProperties.maxPageSize();
        Integer offset = 0;
        while (offset != null) {
            JobResultsPage p = jobs.results(jobId, offset, page);
            p.results().forEach(each);
            offset = p.nextOffset();
        }
    }

    private static FailuresPage page(List<RowResult> results, int offset, int limit) {
        List<RowResult> failed = results.stream().filter(r -> r.status() == RowStatus.FAILED).toList();
        int from = Math.min(offset, failed.size());
        int to = (int) Math.min(failed.size(), (long) offset + limit);
        return new FailuresPage(true, failed.size(), RunRecord.byCode(failed), offset, limit,
                failed.subList(from, to).stream().map(FailedRow::of).toList(), to < failed.size() ? to : null);
    }

    private static void checkPage(int offset, int limit) {
        if (offset < 0) {
            throw new InvalidPageException("offset must be 0 or more, not " + offset);
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidPageException("limit must be between 1 and " + MAX_PAGE + ", not " + limit);
        }
    }

    private Optional<RunView> view(RunRecord run) {
        if (!run.kind().equals(RunRecord.JOB)) {
            BatchResponse.Summary s = run.summary();
            String outcome = s != null && s.failed() > 0 ? "failed" : "succeeded";
            return Optional.of(new RunView(run.kind(), run.syncId(), run.batchId(), null, run.destination(),
                    run.objectType(), run.mode(), run.at(), outcome, null, s, null, run.failuresByCode(),
                    run.durationMs()));
        }
        JobStatus status;
        try {
            status = jobs.status(run.jobId());
        } catch (JobNotFoundException gone) {
            return Optional.empty(); // forgotten by the job store (its retention is over)
        }
        String outcome = switch (status.state()) {
            case QUEUED, RUNNING -> "running";
            case COMPLETED -> status.summary().failed() > 0 ? "failed" : "succeeded";
            case CANCELLED -> "cancelled";
            case INTERRUPTED -> "interrupted";
        };
        Long duration = status.startedAt() == null || status.finishedAt() == null ? null
                : Duration.between(status.startedAt(), status.finishedAt()).toMillis();
        return Optional.of(new RunView(run.kind(), run.syncId(), run.batchId(), run.jobId(), run.destination(),
                run.objectType(), run.mode(), run.at(), outcome, status.state().wireName(), status.summary(),
                status.progress(), null, duration));
    }

    private static void csvHeader(Writer out) {
        write(out, "id,code,field,message,retryable\r\n");
    }

    private static void csvRow(Writer out, RowResult r) {
        if (r.status() != RowStatus.FAILED) {
            return;
        }
        FailedRow f = FailedRow.of(r);
        write(out, csv(f.id()) + "," + csv(f.code()) + "," + csv(f.field()) + "," + csv(f.message()) + ","
                + f.retryable() + "\r\n");
    }

    /**
     * One CSV field (RFC 4180): quoted when needed; a value a spreadsheet would run as a formula ({@code = + - @},
     * tab, CR first) gets a leading apostrophe.
     */
    static String csv(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private static void write(Writer out, String s) {
        try {
            out.write(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
