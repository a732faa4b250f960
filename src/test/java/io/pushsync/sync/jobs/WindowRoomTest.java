package io.pushsync.sync.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.RowStatus;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.testsupport.ThingsDestination;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

/**
 * The rows that running jobs hold are bounded by {@code max-rows-in-memory}, not by how many jobs run: more jobs run
 * than their windows may fill the room, each waits for room before it reads a window, and room is given first come,
 * first served.
 */
class WindowRoomTest {

    /** Holds each request 30 ms and records the most rows it was given at once, over all jobs. */
    private static final class OverlapDestination extends ThingsDestination {
        final AtomicInteger rowsNow = new AtomicInteger();
        final AtomicInteger mostRowsAtOnce = new AtomicInteger();
        final AtomicInteger requestsNow = new AtomicInteger();
        final AtomicInteger mostRequestsAtOnce = new AtomicInteger();
        final java.util.Queue<Integer> requestSizes = new java.util.concurrent.ConcurrentLinkedQueue<>();
        /** The gauge {@code pushsync_jobs_rows_in_memory} as each request saw it: the most, and the least. */
        final AtomicInteger mostGauged = new AtomicInteger();
        final AtomicInteger leastGauged = new AtomicInteger(Integer.MAX_VALUE);
        volatile SimpleMeterRegistry meters;
        volatile long holdMs = 30;

        OverlapDestination() {
            super("overlap");
        }

        @Override
        public void sync(SyncRequest request, Deadline deadline, RowResults results) {
            requestSizes.add(request.rows().size());
            mostRowsAtOnce.accumulateAndGet(rowsNow.addAndGet(request.rows().size()), Math::max);
            mostRequestsAtOnce.accumulateAndGet(requestsNow.incrementAndGet(), Math::max);
            int gauged = (int) meters.get("pushsync_jobs_rows_in_memory").gauge().value();
            mostGauged.accumulateAndGet(gauged, Math::max);
            leastGauged.accumulateAndGet(gauged, Math::min);
            try {
                Thread.sleep(holdMs);
                for (SyncRow row : request.rows()) {
                    results.succeeded(row.index());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                requestsNow.decrementAndGet();
                rowsNow.addAndGet(-request.rows().size());
            }
        }
    }

    @TempDir
    Path spoolDir;

    private final OverlapDestination destination = new OverlapDestination();
    private final List<JobService> services = new ArrayList<>();

    /** Four jobs may run, windows of 10 rows (segments of 10), room for {@code rows} rows. */
    private JobService service(int rows) {
        return service(rows, 10);
    }

    /** Four jobs may run, windows of {@code window} rows (segments of 10), room for {@code rows} rows. */
    private JobService service(int rows, int window) {
        JobProperties jobs = new JobProperties(100_000, DataSize.ofMegabytes(64), 4, 8, Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofMillis(20), Duration.ofSeconds(60), Duration.ZERO,
                Duration.ofSeconds(5), 10, 1000, window, rows, spoolDir, JobProperties.StateWriteRetry.defaults());
        destination.meters = new SimpleMeterRegistry();
        JobService service = LocalJobServices.service(destination, new InMemoryJobStore(
                new JobSegments(LocalJobServices.JSON)), jobs, destination.meters);
        services.add(service);
        service.start();
        return service;
    }

    @AfterEach
    void stop() {
        services.forEach(JobService::stop);
    }

    @Test
    void runningJobsHoldNoMoreRowsThanTheRoomAndAllOfThemEnd() {
        runFourJobsOf(60, service(20));

        assertThat(destination.mostRowsAtOnce.get()).as("rows given to the adapter at once").isLessThanOrEqualTo(20);
        assertThat(destination.mostRequestsAtOnce.get()).as("two jobs' windows fit the room together").isEqualTo(2);
        assertThat(destination.leastGauged.get()).as("a request's own window is held while it is sent")
                .isGreaterThanOrEqualTo(10);
        assertThat(destination.mostGauged.get()).isEqualTo(20);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(destination.meters
                .get("pushsync_jobs_rows_in_memory").gauge().value()).as("all given back").isZero());
    }

    @Test
    void withRoomForEveryRunningJobTheirWindowsOverlap() {
        runFourJobsOf(60, service(1000));

        assertThat(destination.mostRequestsAtOnce.get()).as("the four running jobs send at once").isEqualTo(4);
    }

    @Test
    void aWindowLargerThanTheRoomTakesAllOfItAndStillRuns() {
        runFourJobsOf(25, service(5));

        assertThat(destination.mostRequestsAtOnce.get()).as("one window at a time").isEqualTo(1);
        assertThat(destination.mostRowsAtOnce.get()).isEqualTo(10);
    }

    @Test
    void roomTooSmallForAWholeWindowIsUsedByAShorterOneOfWholeSegments() {
        runFourJobsOf(60, service(30, 20));

        assertThat(destination.mostRowsAtOnce.get()).as("a window of 20 and one of 10 fill the room")
                .isEqualTo(30);
        assertThat(destination.requestSizes).as("whole segments, at least half a window").contains(10, 20)
                .allSatisfy(size -> assertThat(size).isIn(10, 20));
    }

    @Test
    void lessRoomThanTheLeastIsNotTakenAndMoreIsTakenInWholeUnits() throws Exception {
        WindowRoom room = new WindowRoom(100);
        Deadline open = Deadline.after(Duration.ofMinutes(1));
        WindowRoom.Taken a = room.take(50, open);
        WindowRoom.Taken b = room.take(25, open);
        AtomicInteger given = new AtomicInteger();
        Thread job = new Thread(() -> {
            try (WindowRoom.Taken t = room.take(80, 10, 40, open)) {
                given.set(t.rows());
                assertThat(room.held()).isEqualTo(50 + t.rows());
            }
        });
        job.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> waits(job));
        Thread.sleep(250); // a few polls: 25 rows are free, less than the 40 it needs at least
        assertThat(given.get()).isZero();

        b.close(); // 50 free: less than 80, so 50 in whole tens
        job.join(5000);
        assertThat(given.get()).isEqualTo(50);
        a.close();
        assertThat(room.held()).isZero();
    }

    private void runFourJobsOf(int rows, JobService service) {
        List<String> ids = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            ids.add(service.submit("overlap", ThingsDestination.body("room", "b" + j, rows)).status().jobId());
        }
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(20)).until(() -> service.status(id).state() == JobState.COMPLETED);
            assertThat(service.status(id).summary().succeeded()).isEqualTo(rows);
            assertThat(service.results(id, 0, rows).results()).hasSize(rows)
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(RowStatus.SUCCEEDED));
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aJobThatWaitsForRoomSaysSoOnce(CapturedOutput output) {
        destination.holdMs = 2000; // the second job waits most of it: well over the second that is logged
        JobService service = service(10);
        String first = service.submit("overlap", ThingsDestination.body("room", "first", 10)).status().jobId();
        await().atMost(Duration.ofSeconds(10)).until(() -> destination.requestsNow.get() == 1);
        String second = service.submit("overlap", ThingsDestination.body("room", "second", 20)).status().jobId();
        for (String id : List.of(first, second)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> service.status(id).state() == JobState.COMPLETED);
        }

        assertThat(output.getOut()).contains("job " + second + " waited ")
                .contains("for room to read its next 10 rows").contains("pushsync.jobs.max-rows-in-memory (10 rows)")
                .doesNotContain("job " + first + " waited ");
        assertThat(output.getOut().split("job " + second + " waited ", -1)).as("once a job").hasSize(2);
    }

    @Test
    void aJobWaitingForRoomSaysSoInItsStatusUntilItHasRoom() {
        destination.holdMs = 1500;
        JobService service = service(10);
        String first = service.submit("overlap", ThingsDestination.body("room", "holds", 10)).status().jobId();
        await().atMost(Duration.ofSeconds(10)).until(() -> destination.requestsNow.get() == 1);
        String second = service.submit("overlap", ThingsDestination.body("room", "waits", 10)).status().jobId();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JobStatus waiting = service.status(second);
            assertThat(waiting.state()).isEqualTo(JobState.RUNNING);
            assertThat(waiting.message()).isEqualTo("waiting for room in memory to read its next 10 rows: the "
                    + "running jobs' windows hold pushsync.jobs.max-rows-in-memory (10 rows) on this replica");
        });
        assertThat(service.status(first).message()).as("the job holding the room waits for nothing").isNull();

        await().atMost(Duration.ofSeconds(20)).until(() -> service.status(second).state() == JobState.COMPLETED);
        assertThat(service.status(second).message()).as("no longer waiting, and it ended plainly").isNull();
        assertThat(service.status(second).summary().succeeded()).isEqualTo(10);
    }

    @Test
    void roomIsGivenInTheOrderItWasAskedFor() throws Exception {
        WindowRoom room = new WindowRoom(10);
        Deadline open = Deadline.after(Duration.ofMinutes(1));
        WindowRoom.Taken first = room.take(6, open);
        AtomicBoolean largeHas = new AtomicBoolean();
        AtomicBoolean smallHas = new AtomicBoolean();
        Thread large = new Thread(() -> {
            try (WindowRoom.Taken t = room.take(10, open)) {
                largeHas.set(true);
                await().atMost(Duration.ofSeconds(5)).until(() -> !smallHas.get());
            }
        });
        large.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> waits(large));
        Thread small = new Thread(() -> {
            try (WindowRoom.Taken t = room.take(2, open)) {
                smallHas.set(true);
                assertThat(largeHas).as("the large window asked first").isTrue();
            }
        });
        small.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> waits(small));
        Thread.sleep(250); // a few polls: 4 rows are free, yet the small window waits behind the large one
        assertThat(smallHas).isFalse();

        first.close();
        large.join(5000);
        small.join(5000);
        assertThat(largeHas).isTrue();
        assertThat(smallHas).isTrue();
        assertThat(room.held()).isZero();
    }

    private static boolean waits(Thread t) {
        return t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.BLOCKED;
    }

    @Test
    void aStoppedJobTakesNoRoomAndDoesNotWait() {
        WindowRoom room = new WindowRoom(10);
        WindowRoom.Taken all = room.take(10, Deadline.after(Duration.ofMinutes(1)));
        Deadline stopped = Deadline.after(Duration.ofMinutes(1));
        stopped.stop(RowError.of(ErrorCode.CANCELLED, "cancelled"));

        try (WindowRoom.Taken none = room.take(5, stopped)) {
            assertThat(room.held()).isEqualTo(10);
        }
        all.close();
        assertThat(room.held()).isZero();
    }
}
