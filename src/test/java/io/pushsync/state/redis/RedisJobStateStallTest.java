package io.pushsync.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.StateStoreUnavailableException;
import io.pushsync.sync.jobs.JobProperties;
import io.pushsync.sync.jobs.JobSegments;
import io.pushsync.sync.jobs.JobService;
import io.pushsync.sync.jobs.JobState;
import io.pushsync.sync.jobs.JobStatus;
import io.pushsync.sync.jobs.JobStore;
import io.pushsync.sync.jobs.LocalJobServices;
import io.pushsync.testsupport.RedisServerExtension;
import io.pushsync.testsupport.PacedDestination;
import io.pushsync.testsupport.ThingsDestination;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A running job while its Redis stalls (the private server frozen with {@code SIGSTOP}, a client command timeout of
 * 300 ms, so each store call fails fast): a stall shorter than {@code pushsync.jobs.state-write-retry.max-duration}
 * is ridden out (the writes are retried, the vendor calls go on, the job completes with every row's result); a
 * stall longer than it stops the job, which readers then see {@code interrupted} with the results it had stored.
 */
class RedisJobStateStallTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);
    static final int ROWS = 60;

    @TempDir
    Path spoolDir;

    /** Confirms one row every 50 ms and touches no Redis. */
    private final PacedDestination vendor = new PacedDestination("slow", 50);
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger storeFailures = new AtomicInteger();
    private LettuceConnectionFactory factory;
    private JobService service;

    @AfterEach
    void close() {
        REDIS.resume();
        if (service != null) {
            service.stop();
        }
        if (factory != null) {
            factory.destroy();
        }
    }

    /** The job store in Redis, counting the calls that failed. */
    private JobStore store() {
        factory = REDIS.newConnectionFactory(COMMAND_TIMEOUT);
        JobStore redis = new RedisJobStore(RedisServerExtension.bytesTemplate(factory),
                RedisServerExtension.uniquePrefix(), new JobSegments(LocalJobServices.JSON), LocalJobServices.JSON);
        return (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class},
                (proxy, method, args) -> {
                    try {
                        return method.invoke(redis, args);
                    } catch (InvocationTargetException e) {
                        if (e.getCause() instanceof StateStoreUnavailableException) {
                            storeFailures.incrementAndGet();
                        }
                        throw e.getCause();
                    }
                });
    }

    /** Segments of 10 rows, windows of 20, progress every 50 ms. */
    private JobService start(Duration heartbeatTimeout, JobProperties.StateWriteRetry retry) {
        service = LocalJobServices.service(vendor, store(), LocalJobServices.properties(spoolDir, 10, 20,
                Duration.ofMillis(50), heartbeatTimeout, retry), meters);
        service.start();
        return service;
    }

    private double running() {
        return meters.get("pushsync_jobs").tag("state", "running").gauge().value();
    }

    /** Starts a job of {@value #ROWS} rows (3 s of vendor calls) and freezes Redis once 10 rows are done. */
    private String runAndFreeze(JobService service) {
        String jobId = service.submit("slow", ThingsDestination.body("stall", "b-" + UUID.randomUUID(), ROWS))
                .status().jobId();
        await().atMost(Duration.ofSeconds(10)).until(() -> service.status(jobId).progress().done() >= 10);
        REDIS.pause();
        return jobId;
    }

    @Test
    void aStallShorterThanTheRetryWindowIsRiddenOutAndEveryRowKeepsItsResult() throws Exception {
        JobService service = start(Duration.ofSeconds(30),
                new JobProperties.StateWriteRetry(Duration.ofSeconds(10), Duration.ofMillis(50), Duration.ofMillis(500)));
        String jobId = runAndFreeze(service);
        try {
            Thread.sleep(3_000); // the stall: 3 s, well inside the 10 s the writes are retried
            assertThat(running()).as("the job still runs during the stall").isEqualTo(1.0);
        } finally {
            REDIS.resume();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> service.status(jobId).state().isFinal());
        JobStatus status = service.status(jobId);
        assertThat(status.state()).as(status.message()).isEqualTo(JobState.COMPLETED);
        assertThat(storeFailures.get()).as("the stall did fail the job's store calls").isPositive();
        List<RowResult> rows = service.results(jobId, 0, 100).results();
        assertThat(rows).extracting(RowResult::id).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, ROWS).mapToObj(i -> "r" + i).toList());
        assertThat(rows).allSatisfy(r -> assertThat(r.status().wireName()).isEqualTo("succeeded"));
        assertThat(status.summary().succeeded()).isEqualTo(ROWS);
        assertThat(vendor.sent.get()).as("each row was sent once").isEqualTo(ROWS);
    }

    @Test
    void aStallLongerThanTheRetryWindowInterruptsTheJob() {
        JobService service = start(Duration.ofSeconds(2),
                new JobProperties.StateWriteRetry(Duration.ofMillis(500), Duration.ofMillis(50), Duration.ofMillis(100)));
        String jobId = runAndFreeze(service);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> running() == 0.0);
        } finally {
            REDIS.resume();
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> service.status(jobId).state().isFinal());
        JobStatus status = service.status(jobId);
        assertThat(status.state()).isEqualTo(JobState.INTERRUPTED);
        List<RowResult> rows = service.results(jobId, 0, 100).results();
        assertThat(rows).hasSize(ROWS);
        long succeeded = rows.stream().filter(r -> r.status().wireName().equals("succeeded")).count();
        assertThat(succeeded).as("the segments stored before the stall").isBetween(10L, ROWS - 1L);
        assertThat(rows).filteredOn(r -> !r.status().wireName().equals("succeeded"))
                .allSatisfy(r -> assertThat(r.error().code()).isEqualTo("interrupted"));
        assertThat(vendor.sent.get()).as("rows after the stall were never attempted").isLessThan(ROWS);
    }
}
