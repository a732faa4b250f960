package io.pushsync.sync.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.idempotency.BatchConflictException;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.intake.InvalidBatchException;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.intake.Violation;
import io.pushsync.testsupport.ThingsDestination;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * A job waits on disk and runs a window at a time: one result per row in input order however many windows and
 * segments it spans, the adapter never given more rows than a window, the spool file gone once the job is, and a
 * vendor that refuses the credentials stops the job after the first window.
 */
class JobWindowsTest {

    /**
     * Records every request; each row gets the outcome {@code outcome} gives its id's number (null: succeeded). With
     * {@code stops}, a failed row's error is also the vendor's stop of the batch ({@link RowResults#stop}).
     */
    private static final class RecordingDestination extends ThingsDestination {
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger largest = new AtomicInteger();
        final AtomicInteger rowsSent = new AtomicInteger();
        volatile IntFunction<RowError> outcome = n -> null;
        volatile boolean stops;
        volatile CountDownLatch hold = new CountDownLatch(0);

        RecordingDestination() {
            super("recorded");
        }

        @Override
        public void sync(SyncRequest request, Deadline deadline, RowResults results) {
            requests.incrementAndGet();
            largest.accumulateAndGet(request.rows().size(), Math::max);
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (SyncRow row : request.rows()) {
                if (deadline.isExpired()) {
                    return;
                }
                rowsSent.incrementAndGet();
                RowError error = outcome.apply(Integer.parseInt(row.id().substring(1)));
                if (error == null) {
                    results.succeeded(row.index());
                } else {
                    results.failed(row.index(), error);
                    if (stops) {
                        results.stop(error);
                    }
                }
            }
        }
    }

    @TempDir
    Path spoolDir;

    private final InMemoryJobStore store = new InMemoryJobStore(new JobSegments(LocalJobServices.JSON));
    private final RecordingDestination destination = new RecordingDestination();
    private final List<JobService> services = new ArrayList<>();

    /** Segments of 7 rows, windows of 30 rows: rounded down to 28 (4 segments). */
    private JobService service() {
        JobService service = LocalJobServices.service(destination, store, spoolDir, 7, 30);
        services.add(service);
        service.start();
        return service;
    }

    @AfterEach
    void stop() {
        destination.hold.countDown();
        services.forEach(JobService::stop);
    }

    @Test
    void aJobOfManyWindowsAndSegmentsHasOneResultPerRowInInputOrderAndNoRequestLargerThanAWindow() {
        JobService service = service();
        ObjectNode body = body("many", 200);
        ((ObjectNode) body.get("rows").get(45).get("fields")).remove("name");
        destination.outcome = n -> n == 150 ? RowError.of(ErrorCode.REJECTED_BY_DESTINATION, "no") : null;

        String jobId = service.submit("recorded", body).status().jobId();
        await().atMost(Duration.ofSeconds(20)).until(() -> service.status(jobId).state().isFinal());

        JobStatus status = service.status(jobId);
        assertThat(status.state()).isEqualTo(JobState.COMPLETED);
        assertThat(status.progress().done()).isEqualTo(200);
        assertThat(status.summary().succeeded()).isEqualTo(198);
        assertThat(status.summary().failed()).isEqualTo(2);
        List<RowResult> all = new ArrayList<>();
        for (Integer offset = 0; offset != null; ) {
            JobResultsPage page = service.results(jobId, offset, 13);
            all.addAll(page.results());
            offset = page.nextOffset();
        }
        assertThat(all).extracting(RowResult::id)
                .containsExactlyElementsOf(Stream.iterate(0, i -> i + 1).limit(200).map(i -> "r" + i).toList());
        assertThat(all.get(45).error().code()).isEqualTo("missing_required_field");
        assertThat(all.get(150).error().code()).isEqualTo("rejected_by_destination");
        assertThat(all).filteredOn(r -> r.status().wireName().equals("succeeded")).hasSize(198);
        assertThat(destination.requests.get()).as("200 rows in windows of 28").isEqualTo(8);
        assertThat(destination.largest.get()).as("the adapter never holds more than a window").isEqualTo(28);
        assertThat(destination.rowsSent.get()).isEqualTo(199);
        assertThat(spooled()).as("the finished job's body is deleted").isEmpty();
    }

    @Test
    void aRefusedCredentialInTheFirstWindowStopsTheJobWithoutAnotherRequest() {
        JobService service = service();
        destination.outcome = n -> RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, "Vendor answered 401");
        destination.stops = true;

        String jobId = service.submit("recorded", body("refused", 100)).status().jobId();
        await().atMost(Duration.ofSeconds(20)).until(() -> service.status(jobId).state().isFinal());

        JobStatus status = service.status(jobId);
        assertThat(destination.requests.get()).isEqualTo(1);
        assertThat(status.state()).isEqualTo(JobState.COMPLETED);
        assertThat(status.summary().failed()).isEqualTo(100);
        assertThat(status.message()).contains("72 rows were not sent").contains("destination_auth_failed");
        assertThat(service.results(jobId, 0, 100).results()).allSatisfy(r -> {
            assertThat(r.error().code()).isEqualTo("destination_auth_failed");
            assertThat(r.error().message()).isEqualTo("Vendor answered 401");
        });
    }

    @Test
    void notFoundStopsTheJobOnlyWhenTheAdapterStopsTheBatch() {
        JobService service = service();
        // one unknown subscription among others: only that row fails
        destination.outcome = n -> n == 3 ? RowError.of(ErrorCode.DESTINATION_NOT_FOUND, "no such row") : null;
        String some = service.submit("recorded", body("one-unknown", 60)).status().jobId();
        await().atMost(Duration.ofSeconds(20)).until(() -> service.status(some).state().isFinal());
        assertThat(destination.requests.get()).isEqualTo(3);
        assertThat(service.status(some).summary().succeeded()).isEqualTo(59);

        // an unknown list: the adapter stops the batch, the job stops
        destination.outcome = n -> RowError.of(ErrorCode.DESTINATION_NOT_FOUND, "no such list");
        destination.stops = true;
        String none = service.submit("recorded", body("unknown-list", 60)).status().jobId();
        await().atMost(Duration.ofSeconds(20)).until(() -> service.status(none).state().isFinal());
        assertThat(destination.requests.get()).isEqualTo(4);
        assertThat(service.status(none).summary().failed()).isEqualTo(60);
    }

    /**
     * Every row of every window fails {@code destination_not_found} (each names an unknown subscription) or {@code
     * destination_auth_failed}, but the adapter never stops the batch: the job sends every window.
     */
    @Test
    void rowsFailingWithAStopsCodeWithoutAStopOfTheBatchDoNotStopTheJob() {
        JobService service = service();
        destination.outcome = n -> n % 2 == 0 ? RowError.of(ErrorCode.DESTINATION_NOT_FOUND, "no such subscription")
                : RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, "this subscription's key is refused");

        String jobId = service.submit("recorded", body("all-unknown", 60)).status().jobId();
        await().atMost(Duration.ofSeconds(20)).until(() -> service.status(jobId).state().isFinal());

        JobStatus status = service.status(jobId);
        assertThat(destination.requests.get()).as("60 rows in windows of 28: every window is sent").isEqualTo(3);
        assertThat(destination.rowsSent.get()).isEqualTo(60);
        assertThat(status.state()).isEqualTo(JobState.COMPLETED);
        assertThat(status.summary().failed()).isEqualTo(60);
        assertThat(status.message()).isNull();
        assertThat(service.results(jobId, 0, 60).results()).allSatisfy(r -> assertThat(r.error().message())
                .isIn("no such subscription", "this subscription's key is refused"));
    }

    @Test
    void aDuplicateIdFarFromItsFirstUseIsRefusedWithThePointerAndLeavesNothing() {
        JobService service = service();
        ObjectNode body = body("duplicate", 5000);
        ((ObjectNode) body.get("rows").get(4321)).put("id", "r0");

        assertThatThrownBy(() -> service.submit("recorded", body))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.violations())
                        .containsExactly(new Violation("/rows/4321/id",
                                "duplicate row id 'r0' (first used at /rows/0)")));
        assertThat(spooled()).isEmpty();
        assertThat(destination.requests.get()).isZero();
    }

    @Test
    void refusedReplayedAndConflictingSubmissionsLeaveNoSpoolFile() {
        JobService service = service();
        ObjectNode invalid = body("invalid", 3);
        invalid.remove("syncId");
        assertThatThrownBy(() -> service.submit("recorded", invalid)).isInstanceOf(InvalidBatchException.class);
        assertThatThrownBy(() -> service.submit("recorded", service.spool("recorded", new ByteArrayInputStream(
                "{\"syncId\": \"s\", \"rows\": [".getBytes(StandardCharsets.UTF_8)))))
                .isInstanceOf(JacksonException.class);
        assertThat(spooled()).isEmpty();

        ObjectNode body = body("replayed", 3);
        String jobId = service.submit("recorded", body).status().jobId();
        await().atMost(Duration.ofSeconds(20)).until(() -> service.status(jobId).state().isFinal());
        JobService.Submitted replay = service.submit("recorded", body);
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.status().jobId()).isEqualTo(jobId);
        ((ObjectNode) body.get("rows").get(0).get("fields")).put("name", "other");
        assertThatThrownBy(() -> service.submit("recorded", body)).isInstanceOf(BatchConflictException.class);
        assertThat(spooled()).isEmpty();
        assertThat(destination.requests.get()).isEqualTo(1);
    }

    @Test
    void aJobCancelledWhileQueuedAndOneCancelledWhileRunningLeaveNoSpoolFile() {
        JobService service = service();
        destination.hold = new CountDownLatch(1);
        String running = service.submit("recorded", body("running", 100)).status().jobId();
        await().atMost(Duration.ofSeconds(20)).until(() -> destination.requests.get() == 1);
        String queued = service.submit("recorded", body("queued", 50)).status().jobId();
        assertThat(spooled()).hasSize(2);

        assertThat(service.cancel(queued).state()).isEqualTo(JobState.CANCELLED);
        assertThat(service.results(queued, 0, 50).results())
                .allSatisfy(r -> assertThat(r.error().code()).isEqualTo("cancelled"));
        assertThat(spooled()).hasSize(1);

        service.cancel(running);
        destination.hold.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> service.status(running).state().isFinal());
        assertThat(service.status(running).state()).isEqualTo(JobState.CANCELLED);
        assertThat(service.results(running, 0, 100).results())
                .allSatisfy(r -> assertThat(r.error().code()).isEqualTo("cancelled"));
        assertThat(destination.requests.get()).as("no window after the cancel").isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> spooled().isEmpty());
    }

    /** The spooled bodies (the spool's lock files aside). */
    private List<Path> spooled() {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(spoolDir)) {
            all.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".lock"))
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static ObjectNode body(String batchId, int rows) {
        return ThingsDestination.body("windows", batchId, rows);
    }

}
