package io.pushsync.api;

import io.pushsync.sync.idempotency.BatchConflictException;
import io.pushsync.sync.intake.BatchTooLargeException;
import io.pushsync.sync.intake.InvalidBatchException;
import io.pushsync.sync.StateStoreUnavailableException;
import io.pushsync.sync.UnknownDestinationException;
import io.pushsync.sync.jobs.InvalidPageException;
import io.pushsync.sync.jobs.JobNotFinishedException;
import io.pushsync.sync.snapshots.SnapshotBusyException;
import io.pushsync.sync.jobs.JobNotFoundException;
import io.pushsync.sync.jobs.JobsBusyException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Problem Details ({@code application/problem+json}) for every request-level error. Row problems are results. */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    /** JSON-RPC 2.0's parse error, as the Census endpoint answers a body it cannot parse. */
    static final int JSON_RPC_PARSE_ERROR = -32700;

    @ExceptionHandler(InvalidBatchException.class)
    ProblemDetail invalid(InvalidBatchException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request",
                e.getMessage());
        p.setProperty("errors", e.violations().stream()
                .map(v -> Map.of("pointer", v.pointer(), "message", v.message())).toList());
        return p;
    }

    @ExceptionHandler(UnknownDestinationException.class)
    ProblemDetail unknownDestination(UnknownDestinationException e) {
        return problem(HttpStatus.NOT_FOUND, ProblemTypes.UNKNOWN_DESTINATION, "Unknown destination type",
                e.getMessage());
    }

    @ExceptionHandler(BatchConflictException.class)
    ProblemDetail conflict(BatchConflictException e) {
        return problem(HttpStatus.CONFLICT, ProblemTypes.BATCH_CONFLICT, "Batch conflict", e.getMessage());
    }

    @ExceptionHandler(BatchTooLargeException.class)
    ProblemDetail tooLarge(BatchTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.BATCH_TOO_LARGE, "Batch too large",
                e.getMessage());
    }

    /** A body that did not arrive in time: stopped while it was read, nothing sent; the connection is closed. */
    @ExceptionHandler(BodyReadTimeoutException.class)
    ResponseEntity<ProblemDetail> bodyReadTimeout(BodyReadTimeoutException e) {
        return ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT).header(HttpHeaders.CONNECTION, "close")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem(HttpStatus.REQUEST_TIMEOUT, ProblemTypes.BODY_READ_TIMEOUT, "Request body too slow",
                        e.getMessage()));
    }

    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<ProblemDetail> bodyTooLarge(BodyTooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).header(HttpHeaders.CONNECTION, "close")
                .body(problem(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.BODY_TOO_LARGE, "Request body too large",
                        "the request body is longer than the " + e.maxBytes() + " bytes " + e.key()
                                + " allows: split the batch"));
    }

    /**
     * A body that is not UTF-8 ({@link RequestBodyLimitFilter}): 415, nothing was parsed or stored. Census answers it
     * as any body it cannot parse: a JSON-RPC parse error (id null) in a 200.
     */
    @ExceptionHandler(RequestBodyLimitFilter.NotUtf8BodyException.class)
    ResponseEntity<?> notUtf8(RequestBodyLimitFilter.NotUtf8BodyException e, HttpServletRequest request) {
        if (request.getRequestURI().startsWith("/census/")) {
            ObjectNode error = JsonNodeFactory.instance.objectNode();
            error.put("jsonrpc", "2.0");
            error.putNull("id");
            error.putObject("error").put("code", JSON_RPC_PARSE_ERROR)
                    .put("message", "Parse error: " + e.getMessage());
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(error.toString());
        }
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemTypes.UNSUPPORTED_MEDIA_TYPE,
                        "Unsupported media type", e.getMessage()));
    }

    @ExceptionHandler(JobNotFoundException.class)
    ProblemDetail jobNotFound(JobNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Job not found", e.getMessage());
    }

    @ExceptionHandler(io.pushsync.sync.runs.RunNotFoundException.class)
    ProblemDetail runNotFound(io.pushsync.sync.runs.RunNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Run not found", e.getMessage());
    }

    @ExceptionHandler(RunController.RowsGoneException.class)
    ProblemDetail rowsGone(RunController.RowsGoneException e) {
        return problem(HttpStatus.CONFLICT, ProblemTypes.ROWS_UNAVAILABLE, "Rows unavailable", e.getMessage());
    }

    @ExceptionHandler(SnapshotBusyException.class)
    ProblemDetail snapshotBusy(SnapshotBusyException e) {
        return problem(HttpStatus.CONFLICT, ProblemTypes.SNAPSHOT_BUSY, "Snapshot busy", e.getMessage()
                + "; retry once it has finished");
    }

    @ExceptionHandler(JobNotFinishedException.class)
    ProblemDetail jobNotFinished(JobNotFinishedException e) {
        return problem(HttpStatus.CONFLICT, ProblemTypes.JOB_NOT_FINISHED, "Job not finished", e.getMessage());
    }

    @ExceptionHandler(InvalidPageException.class)
    ProblemDetail invalidPage(InvalidPageException e) {
        return problem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request", e.getMessage());
    }

    /** 429 (queue full) or 503 (shutting down, spool not writable), with Retry-After: nothing was stored, the same job can be resent. */
    @ExceptionHandler(JobsBusyException.class)
    ResponseEntity<ProblemDetail> jobsBusy(JobsBusyException e) {
        boolean full = e.reason() == JobsBusyException.Reason.QUEUE_FULL;
        HttpStatus status = full ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
        ProblemDetail p = switch (e.reason()) {
            case QUEUE_FULL -> problem(status, ProblemTypes.JOB_QUEUE_FULL, "Job queue full", e.getMessage());
            case SHUTTING_DOWN -> problem(status, ProblemTypes.SHUTTING_DOWN, "Shutting down", e.getMessage());
            case SPOOL_UNAVAILABLE -> problem(status, ProblemTypes.JOB_SPOOL_UNAVAILABLE, "Job spool unavailable",
                    e.getMessage());
        };
        return ResponseEntity.status(status)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    /** No room in memory for a batch's body in time: nothing was read or sent; the same batch can be resent. */
    @ExceptionHandler(BatchRoomFullException.class)
    ResponseEntity<ProblemDetail> batchRoomFull(BatchRoomFullException e) {
        logger.warn(e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(BatchRoomFullException.RETRY_AFTER.toSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.BATCH_MEMORY_FULL, "Batch memory full",
                        e.getMessage()));
    }

    /** The shared state store (Redis) is down: nothing was sent for this request; it may be retried later. */
    @ExceptionHandler(StateStoreUnavailableException.class)
    ResponseEntity<ProblemDetail> stateStoreUnavailable(StateStoreUnavailableException e) {
        logger.warn(e.getMessage());
        ProblemDetail p = problem(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.STATE_STORE_UNAVAILABLE,
                "State store unavailable", "pushsync's shared state store (Redis) cannot be reached; retry later");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").body(p);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = "the request body is not well-formed JSON";
        Throwable cause = ex.getMostSpecificCause();
        if (cause instanceof StreamConstraintsException sce) {
            if (sce.getOriginalMessage() != null && sce.getOriginalMessage().contains("Document length")) {
                ProblemDetail p = problem(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.BODY_TOO_LARGE,
                        "Request body too large", "the request body is longer than pushsync.batch.max-body-size "
                                + "allows: split the batch");
                return handleExceptionInternal(ex, p, headers, HttpStatus.CONTENT_TOO_LARGE, request);
            }
            detail = "the request body exceeds a JSON parser limit: " + sce.getOriginalMessage();
        } else if (cause instanceof JacksonException je && je.getLocation() != null) {
            TokenStreamLocation at = je.getLocation();
            detail += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        } else if (ex.getMessage() != null && ex.getMessage().contains("Required request body is missing")) {
            detail = "the request body is missing";
        }
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, ProblemTypes.MALFORMED_JSON, "Malformed JSON", detail);
        p.setProperty("errors", List.of(Map.of("pointer", "", "message", detail)));
        return handleExceptionInternal(ex, p, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail p = problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemTypes.UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type", "the request body must be JSON (Content-Type: application/json), not "
                        + (ex.getContentType() == null ? "an unspecified type" : ex.getContentType()));
        return handleExceptionInternal(ex, p, headers, HttpStatus.UNSUPPORTED_MEDIA_TYPE, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail p = problem(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found",
                "no endpoint " + ex.getHttpMethod() + " /" + ex.getResourcePath());
        return handleExceptionInternal(ex, p, headers, HttpStatus.NOT_FOUND, request);
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(type));
        p.setTitle(title);
        return p;
    }

    /**
     * Every Problem Details the base class builds (405, 406, 400 for a missing or unconvertible parameter, ...) gets a
     * pushsync {@code type} instead of {@code about:blank}; bodies the handlers above typed keep theirs.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        Object typed = body == null ? ProblemDetail.forStatus(statusCode) : body;
        if (typed instanceof ProblemDetail p && (p.getType() == null || "about:blank".equals(p.getType().toString()))) {
            p.setType(URI.create(ProblemTypes.forStatus(statusCode.value())));
        }
        return super.handleExceptionInternal(ex, typed, headers, statusCode, request);
    }

    /** Offset/limit of a results page that are not numbers or out of range: one 400 naming every bad parameter. */
    @ExceptionHandler(PagingParameters.InvalidPagingException.class)
    ProblemDetail invalidPaging(PagingParameters.InvalidPagingException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request",
                String.join("; ", e.errors().values()));
        p.setProperty("errors", e.errors().entrySet().stream()
                .map(v -> Map.of("pointer", "/" + v.getKey(), "parameter", v.getKey(), "message", v.getValue()))
                .toList());
        return p;
    }
}
