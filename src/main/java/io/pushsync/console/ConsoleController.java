package io.pushsync.console;

import io.pushsync.sync.VendorAccounts;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.jobs.InvalidPageException;
import io.pushsync.sync.jobs.JobNotFoundException;
import io.pushsync.sync.jobs.JobProperties;
import io.pushsync.sync.jobs.JobService;
import io.pushsync.sync.runs.FailuresPage;
import io.pushsync.sync.runs.JobView;
import io.pushsync.sync.runs.RunNotFoundException;
import io.pushsync.sync.runs.RunView;
import io.pushsync.sync.runs.Runs;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The console's pages. Each calls the service behind the matching {@code /v1} endpoint ({@link Runs},
 * {@link JobService}, {@link VendorAccounts}); nothing here reads a connection or a credential.
 */
@Controller
@ConditionalOnProperty(name = "pushsync.console.enabled", havingValue = "true")
public class ConsoleController {

    static final int PAGE = 50;

    private final Runs runs;
    private final JobService jobs;
    private final VendorAccounts accounts;
    private final IdempotencyProperties idempotency;
    private final JobProperties jobProperties;

    public ConsoleController(Runs runs, JobService jobs, VendorAccounts accounts, IdempotencyProperties idempotency,
            JobProperties jobProperties) {
        this.runs = runs;
        this.jobs = jobs;
        this.accounts = accounts;
        this.idempotency = idempotency;
        this.jobProperties = jobProperties;
    }

    private void common(Model model, String page) {
        model.addAttribute("page", page);
        model.addAttribute("retention", ConsoleFormat.duration(runs.retention()));
        model.addAttribute("batchTtl", ConsoleFormat.duration(idempotency.ttl()));
        model.addAttribute("jobRetention", ConsoleFormat.duration(jobProperties.retention()));
        model.addAttribute("maxRuns", runs.maxRuns());
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        model.addAttribute("user", auth == null ? "" : auth.getName());
    }

    @GetMapping("/console/login")
    String login() {
        return "console/login";
    }

    @GetMapping({"/console", "/console/"})
    String runs(@RequestParam(required = false) String destination, @RequestParam(required = false) String syncId,
            @RequestParam(required = false) String outcome, @RequestParam(defaultValue = "100") int limit,
            Model model) {
        common(model, "runs");
        int size = Math.max(1, Math.min(limit, runs.maxRuns()));
        String wanted = outcome == null || outcome.isBlank() ? null : outcome;
        List<RunView> list = runs.recent(destination, syncId, wanted, size);
        model.addAttribute("runs", list);
        model.addAttribute("destination", destination == null ? "" : destination);
        model.addAttribute("syncId", syncId == null ? "" : syncId);
        model.addAttribute("outcome", wanted == null ? "" : wanted);
        model.addAttribute("outcomes", RunView.OUTCOMES);
        model.addAttribute("destinations", runs.destinations());
        return "console/runs";
    }

    @GetMapping("/console/batch")
    String batch(@RequestParam String syncId, @RequestParam String batchId,
            @RequestParam(defaultValue = "0") int offset, Model model) {
        common(model, "runs");
        RunView run = runs.batch(syncId, batchId).orElseThrow(() -> new RunNotFoundException(
                "no such batch among the recent runs"));
        FailuresPage failures = runs.batchFailures(syncId, batchId, Math.max(0, offset), PAGE);
        model.addAttribute("run", run);
        model.addAttribute("failures", failures);
        model.addAttribute("csvUrl", UriComponentsBuilder.fromPath("/console/batch/failures.csv")
                .queryParam("syncId", "{s}").queryParam("batchId", "{b}").encode().buildAndExpand(syncId, batchId)
                .toUriString());
        model.addAttribute("pageUrl", UriComponentsBuilder.fromPath("/console/batch")
                .queryParam("syncId", "{s}").queryParam("batchId", "{b}").encode().buildAndExpand(syncId, batchId)
                .toUriString());
        return "console/batch";
    }

    @GetMapping("/console/batch/failures.csv")
    void batchCsv(@RequestParam String syncId, @RequestParam String batchId, HttpServletResponse response)
            throws IOException {
        StringWriter out = new StringWriter();
        if (!runs.batchFailuresCsv(syncId, batchId, out)) {
            throw new RunNotFoundException("the rows of this batch are no longer in the idempotency ledger");
        }
        csv(response, "failures-" + batchId, out.toString());
    }

    @GetMapping("/console/jobs/{jobId}")
    String job(@PathVariable String jobId, @RequestParam(defaultValue = "0") int offset, Model model) {
        common(model, "runs");
        JobView job = runs.job(jobId);
        model.addAttribute("job", job);
        model.addAttribute("failures", runs.jobFailures(jobId, Math.max(0, offset), PAGE));
        return "console/job";
    }

    /** The job's status and pace, polled every second by the job page's progress bar. */
    @GetMapping(path = "/console/jobs/{jobId}/pace", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    JobView pace(@PathVariable String jobId) {
        return runs.job(jobId);
    }

    /** The cancel button (a POST with the session's CSRF token), as {@code DELETE /v1/jobs/{jobId}}. */
    @PostMapping("/console/jobs/{jobId}/cancel")
    String cancel(@PathVariable String jobId) {
        jobs.cancel(jobId);
        return "redirect:" + UriComponentsBuilder.fromPath("/console/jobs/{id}").buildAndExpand(jobId).encode()
                .toUriString();
    }

    @GetMapping("/console/jobs/{jobId}/failures.csv")
    void jobCsv(@PathVariable String jobId, HttpServletResponse response) throws IOException {
        StringWriter out = new StringWriter();
        if (!runs.jobFailuresCsv(jobId, out)) {
            throw new RunNotFoundException("the job has not finished yet");
        }
        csv(response, "failures-" + jobId, out.toString());
    }

    @GetMapping("/console/accounts")
    String accounts(Model model) {
        common(model, "accounts");
        model.addAttribute("accounts", accounts.accounts());
        model.addAttribute("window", ConsoleFormat.duration(accounts.recentWindow()));
        return "console/accounts";
    }

    @ExceptionHandler({JobNotFoundException.class, RunNotFoundException.class})
    @ResponseStatus(HttpStatus.NOT_FOUND)
    String notFound(RuntimeException e, Model model) {
        common(model, "runs");
        model.addAttribute("message", e instanceof JobNotFoundException ? "No such job (or finished longer ago than "
                + ConsoleFormat.duration(jobProperties.retention()) + ")." : e.getMessage());
        return "console/error";
    }

    @ExceptionHandler(InvalidPageException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    String badRequest(InvalidPageException e, Model model) {
        common(model, "runs");
        model.addAttribute("message", e.getMessage());
        return "console/error";
    }

    private static void csv(HttpServletResponse response, String name, String body) throws IOException {
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                .filename(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".csv").build().toString());
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
