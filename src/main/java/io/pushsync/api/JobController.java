package io.pushsync.api;

import io.pushsync.sync.jobs.JobProperties;
import io.pushsync.sync.jobs.JobRemovedPage;
import io.pushsync.sync.jobs.JobResultsPage;
import jakarta.servlet.http.HttpServletRequest;
import io.pushsync.sync.jobs.JobService;
import io.pushsync.sync.jobs.SpooledBody;
import io.pushsync.sync.jobs.JobStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Background jobs: {@code POST /v1/destinations/{type}/jobs} and {@code /v1/jobs/{jobId}}. */
@Tag(name = "jobs", description = "long syncs run in the background: submit, poll progress, page results, cancel")
@ProblemResponse.Unauthorized
@RestController
public class JobController {

    private final JobService jobs;
    private final StreamedBodies bodies;
    private final JobProperties properties;

    public JobController(JobService jobs, StreamedBodies bodies, JobProperties properties) {
        this.jobs = jobs;
        this.bodies = bodies;
        this.properties = properties;
    }

    @PostMapping(path = "/v1/destinations/{type}/jobs", consumes = {MediaType.APPLICATION_JSON_VALUE,
            "application/*+json"}, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Run a batch in the background (same body as a batch, up to pushsync.jobs.max-rows rows)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = ApiDocs.BatchRequest.class),
                    examples = @ExampleObject(value = ApiDocs.BATCH_EXAMPLE))))
    @ApiResponse(responseCode = "202", description = "accepted; Location: /v1/jobs/{jobId}. Header "
            + "Idempotent-Replayed: true when the same syncId+batchId+payload was submitted before (the same job). "
            + "A dry-run job (dryRun: true) sends nothing and holds no claim on its ids: its results are planned "
            + "rows, its status has summary.planned and plan")
    @ProblemResponse(code = "400", description = "invalid request, as for a batch")
    @ProblemResponse(code = "404", description = "unknown destination type")
    @ProblemResponse(code = "409", description = "same syncId+batchId with a different payload")
    @ProblemResponse(code = "413", description = "more rows than pushsync.jobs.max-rows or a larger body than "
            + "pushsync.jobs.max-body-size")
    @ProblemResponse(code = "429", description = "the queue is full; Retry-After says when to try again")
    @ProblemResponse(code = "503", description = "this replica is shutting down, or cannot write the body to its "
            + "spool directory (pushsync.jobs.spool-dir, e.g. a full disk); Retry-After")
    public ResponseEntity<JobStatus> submit(@PathVariable String type,
            @Parameter(hidden = true) HttpServletRequest body) {
        SpooledBody spooled = bodies.read(body, properties.maxBodySize().toBytes(), "pushsync.jobs.max-body-size",
                in -> jobs.spool(type, in));
        JobService.Submitted submitted = jobs.submit(type, spooled);
        ResponseEntity.BodyBuilder accepted = ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/v1/jobs/" + submitted.status().jobId()));
        if (submitted.replayed()) {
            accepted.header(DestinationController.REPLAYED_HEADER, "true");
        }
        return accepted.body(submitted.status());
    }

    @GetMapping(path = "/v1/jobs/{jobId}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A job's state (queued, running, completed, cancelled, interrupted) and progress")
    @ApiResponse(responseCode = "200", description = "the job's status; summary counts the rows done so far")
    @ProblemResponse(code = "404", description = "no such job, or finished longer ago than "
            + "pushsync.jobs.retention")
    public JobStatus status(@PathVariable String jobId) {
        return jobs.status(jobId);
    }

    @GetMapping(path = "/v1/jobs/{jobId}/results", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A page of a finished job's per-row results, in input order")
    @ApiResponse(responseCode = "200", description = "the page; nextOffset is absent on the last page")
    @ProblemResponse(code = "400", description = "offset below 0, or limit outside 1..pushsync.jobs.max-page-size")
    @ProblemResponse(code = "404", description = "no such job")
    @ProblemResponse(code = "409", description = "the job has not finished yet")
    public JobResultsPage results(@PathVariable String jobId,
            @Parameter(description = "index of the first result, 0 or more", schema = @Schema(type = "integer",
                    format = "int32", minimum = "0", defaultValue = "0"))
            @RequestParam(defaultValue = "0") String offset,
            @Parameter(description = "results on the page, 1..pushsync.jobs.max-page-size", schema = @Schema(
                    type = "integer", format = "int32", minimum = "1", defaultValue = "1000"))
            @RequestParam(defaultValue = "1000") String limit) {
        // read as text, so that every bad parameter is named in one 400 (errors[]), not only the first unconvertible
        PagingParameters.Page page = page(offset, limit);
        return jobs.results(jobId, page.offset(), page.limit());
    }

    @GetMapping(path = "/v1/jobs/{jobId}/removed", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A page of the members a finished replace job removed from its target (those of the "
            + "snapshot its audience no longer has), each with the outcome of its removal")
    @ApiResponse(responseCode = "200", description = "the page; nextOffset is absent on the last page")
    @ProblemResponse(code = "400", description = "offset below 0, or limit outside 1..pushsync.jobs.max-page-size; "
            + "or the job is not a replace job")
    @ProblemResponse(code = "404", description = "no such job")
    @ProblemResponse(code = "409", description = "the job has not finished yet")
    public JobRemovedPage removed(@PathVariable String jobId,
            @Parameter(description = "index of the first removal, 0 or more", schema = @Schema(type = "integer",
                    format = "int32", minimum = "0", defaultValue = "0"))
            @RequestParam(defaultValue = "0") String offset,
            @Parameter(description = "removals on the page, 1..pushsync.jobs.max-page-size", schema = @Schema(
                    type = "integer", format = "int32", minimum = "1", defaultValue = "1000"))
            @RequestParam(defaultValue = "1000") String limit) {
        PagingParameters.Page page = page(offset, limit);
        return jobs.removed(jobId, page.offset(), page.limit());
    }

    private PagingParameters.Page page(String offset, String limit) {
        return PagingParameters.page(offset, limit, properties.maxPageSize(),
                "between 1 and " + properties.maxPageSize() + " (pushsync.jobs.max-page-size)");
    }

    @DeleteMapping(path = "/v1/jobs/{jobId}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Cancel a job: calls already sent finish, rows not sent fail 'cancelled' (retryable)")
    @ApiResponse(responseCode = "200", description = "the job has finished (cancelled now, or earlier done)")
    @ApiResponse(responseCode = "202", description = "cancel requested; the job stops within a progress interval")
    @ProblemResponse(code = "404", description = "no such job")
    public ResponseEntity<JobStatus> cancel(@PathVariable String jobId) {
        JobStatus status = jobs.cancel(jobId);
        return ResponseEntity.status(status.state().isFinal() ? HttpStatus.OK : HttpStatus.ACCEPTED).body(status);
    }
}
