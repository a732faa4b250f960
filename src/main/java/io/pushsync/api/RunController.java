package io.pushsync.api;

import io.pushsync.sync.VendorAccounts;
import io.pushsync.sync.runs.FailuresPage;
import io.pushsync.sync.runs.JobView;
import io.pushsync.sync.runs.RunNotFoundException;
import io.pushsync.sync.runs.RunView;
import io.pushsync.sync.runs.Runs;
import io.pushsync.sync.values.Text;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the operator console shows, as JSON: recent runs of every replica, a run's failures (paged, grouped by code,
 * CSV), a job's pace and the vendor accounts of this replica.
 */
@Tag(name = "runs", description = "recent batches and jobs of every replica, their failures, vendor accounts")
@ProblemResponse.Unauthorized
@RestController
public class RunController {

    public static final String CSV = "text/csv";

    private final Runs runs;
    private final VendorAccounts accounts;

    public RunController(Runs runs, VendorAccounts accounts) {
        this.runs = runs;
        this.accounts = accounts;
    }

    /** The recent runs and how long they are kept. */
    public record RunsPage(String retention, List<RunView> runs) {
    }

    @GetMapping(path = "/v1/runs", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Recent batches and jobs of every replica, newest first, each with its summary",
            description = "Runs are listed while their results can be read: the longer of pushsync.idempotency.ttl "
                    + "and pushsync.jobs.retention, at most pushsync.history.max-runs. A batch is listed when it "
                    + "finished (dry runs are not), a job from its submission, with its live state")
    @ApiResponse(responseCode = "200", description = "the runs (retention: ISO-8601 duration)")
    @ProblemResponse(code = "400", description = "unknown outcome, or limit outside 1..pushsync.history.max-runs")
    public RunsPage recent(
            @Parameter(description = "destination type, e.g. cleverpush") @RequestParam(required = false)
            String destination,
            @Parameter(description = "syncId") @RequestParam(required = false) String syncId,
            @Parameter(description = "running, succeeded, failed (some rows failed), cancelled or interrupted")
            @RequestParam(required = false) String outcome,
            @Parameter(description = "runs listed, 1..pushsync.history.max-runs", schema = @Schema(type = "integer",
                    format = "int32", minimum = "1", defaultValue = "50"))
            @RequestParam(defaultValue = "50") String limit) {
        int size = PagingParameters.integer("limit", limit, 1, runs.maxRuns());
        return new RunsPage(runs.retention().toString(), runs.recent(destination, syncId, outcome, size));
    }

    @GetMapping(path = "/v1/runs/batch", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "One batch among the recent runs: its summary and failures by code")
    @ApiResponse(responseCode = "200", description = "the batch")
    @ProblemResponse(code = "404", description = "no such batch among the recent runs")
    public RunView batch(@RequestParam String syncId, @RequestParam String batchId) {
        return runs.batch(syncId, batchId).orElseThrow(() -> new RunNotFoundException("no batch '"
                + Text.clip(batchId, 100) + "' of sync '" + Text.clip(syncId, 100) + "' among the recent runs"));
    }

    @GetMapping(path = "/v1/runs/batch/failures", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A page of a batch's failed rows (from the idempotency ledger), with its failures by code",
            description = "A batch no longer in the ledger (older than pushsync.idempotency.ttl) answers its "
                    + "failures by code only: rowsAvailable false")
    @ApiResponse(responseCode = "200", description = "the page; nextOffset is absent on the last page")
    @ProblemResponse(code = "400", description = "offset below 0, or limit outside 1..1000")
    @ProblemResponse(code = "404", description = "no such batch among the recent runs")
    public FailuresPage batchFailures(@RequestParam String syncId, @RequestParam String batchId,
            @Parameter(schema = @Schema(type = "integer", format = "int32", minimum = "0", defaultValue = "0"))
            @RequestParam(defaultValue = "0") String offset,
            @Parameter(schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "1000",
                    defaultValue = "100"))
            @RequestParam(defaultValue = "100") String limit) {
        return runs.batchFailures(syncId, batchId, PagingParameters.integer("offset", offset, 0, Integer.MAX_VALUE),
                PagingParameters.integer("limit", limit, 1, Runs.MAX_PAGE));
    }

    @GetMapping(path = "/v1/runs/batch/failures.csv", produces = CSV)
    @Operation(summary = "A batch's failed rows as CSV: id, code, field, message, retryable")
    @ApiResponse(responseCode = "200", description = "the CSV (UTF-8, a header line, CRLF line ends)",
            content = @Content(mediaType = CSV, schema = @Schema(type = "string")))
    @ProblemResponse(code = "404", description = "no such batch among the recent runs")
    @ProblemResponse(code = "409", description = "the batch's rows are no longer in the idempotency ledger")
    public void batchFailuresCsv(@RequestParam String syncId, @RequestParam String batchId,
            @Parameter(hidden = true) HttpServletResponse response) throws IOException {
        StringWriter out = new StringWriter();
        if (!runs.batchFailuresCsv(syncId, batchId, out)) {
            throw new RowsGoneException("the rows of batch '" + Text.clip(batchId, 100) + "' are no longer in the "
                    + "idempotency ledger (pushsync.idempotency.ttl): only its failures by code are known");
        }
        writeCsv(response, "failures-" + batchId, out.toString());
    }

    @GetMapping(path = "/v1/jobs/{jobId}/failures", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A page of a finished job's failed rows, with its failures by code",
            description = "A job still running answers rowsAvailable false, the failures so far in totalFailed")
    @ApiResponse(responseCode = "200", description = "the page; nextOffset is absent on the last page")
    @ProblemResponse(code = "400", description = "offset below 0, or limit outside 1..1000")
    @ProblemResponse(code = "404", description = "no such job")
    public FailuresPage jobFailures(@PathVariable String jobId,
            @Parameter(schema = @Schema(type = "integer", format = "int32", minimum = "0", defaultValue = "0"))
            @RequestParam(defaultValue = "0") String offset,
            @Parameter(schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "1000",
                    defaultValue = "100"))
            @RequestParam(defaultValue = "100") String limit) {
        return runs.jobFailures(jobId, PagingParameters.integer("offset", offset, 0, Integer.MAX_VALUE),
                PagingParameters.integer("limit", limit, 1, Runs.MAX_PAGE));
    }

    @GetMapping(path = "/v1/jobs/{jobId}/failures.csv", produces = CSV)
    @Operation(summary = "A finished job's failed rows as CSV: id, code, field, message, retryable")
    @ApiResponse(responseCode = "200", description = "the CSV (UTF-8, a header line, CRLF line ends)",
            content = @Content(mediaType = CSV, schema = @Schema(type = "string")))
    @ProblemResponse(code = "404", description = "no such job")
    @ProblemResponse(code = "409", description = "the job has not finished yet")
    public void jobFailuresCsv(@PathVariable String jobId, @Parameter(hidden = true) HttpServletResponse response)
            throws IOException {
        StringWriter out = new StringWriter();
        if (!runs.jobFailuresCsv(jobId, out)) {
            throw new RowsGoneException("job " + jobId + " has not finished yet: its failed rows are listed once "
                    + "it has");
        }
        writeCsv(response, "failures-" + jobId, out.toString());
    }

    @GetMapping(path = "/v1/jobs/{jobId}/pace", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A job's status with its pace: percent done, rows per second, seconds left")
    @ApiResponse(responseCode = "200", description = "the job")
    @ProblemResponse(code = "404", description = "no such job")
    public JobView pace(@PathVariable String jobId) {
        return runs.job(jobId);
    }

    /** The vendor accounts of this replica. */
    public record AccountsPage(String recentWindow, List<VendorAccounts.Account> accounts) {
    }

    @GetMapping(path = "/v1/accounts", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Vendor accounts this replica talks to: circuit state, current rate vs configured limit, "
            + "recent 429s",
            description = "Accounts are named <vendor>-<digest of the credential>: never a credential. Per replica "
                    + "(each keeps its own circuits and adaptive rates); recentWindow is the window of recent429s")
    @ApiResponse(responseCode = "200", description = "the accounts")
    public AccountsPage accounts() {
        return new AccountsPage(accounts.recentWindow().toString(), accounts.accounts());
    }

    private static void writeCsv(HttpServletResponse response, String name, String body) throws IOException {
        response.setContentType(CSV + ";charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, org.springframework.http.ContentDisposition.attachment()
                .filename(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".csv").build().toString());
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    /** A run's rows cannot be listed (yet, or any more): 409. */
    public static final class RowsGoneException extends RuntimeException {
        public RowsGoneException(String message) {
            super(message, null, false, false);
        }
    }
}
