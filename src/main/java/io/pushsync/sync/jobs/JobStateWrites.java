package io.pushsync.sync.jobs;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.pushsync.sync.StateStoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running job's calls to its store (progress and heartbeat, result segments, its end, cancel checks), tried again
 * through a short stall of the store ({@code pushsync.jobs.state-write-retry}): a store call that fails with
 * {@link StateStoreUnavailableException} is retried with exponential backoff (a Resilience4j {@link Retry}) until it
 * succeeds or {@code max-duration} has passed since the first attempt; the attempt under way then is the last, and its
 * failure is thrown. Every call retried here may be sent twice (a command the client gave up on may still run once the
 * server answers again): each one writes a whole value or reads, so running it again changes nothing.
 *
 * <p>Only the replica running a job uses this; a request (status, results, a submission) calls the store directly and
 * answers 503 at once when it fails.
 */
final class JobStateWrites {

    private static final Logger log = LoggerFactory.getLogger(JobStateWrites.class);

    /** The last failure of a call whose time is up: not retried (unwrapped before it is thrown). */
    private static final class TimeIsUp extends RuntimeException {
        TimeIsUp(StateStoreUnavailableException last) {
            super(last.getMessage(), last, false, false);
        }
    }

    private final long maxNanos;
    private final Duration maxDuration;
    private final Retry retry;

    JobStateWrites(JobProperties.StateWriteRetry properties) {
        this.maxDuration = properties.maxDuration();
        this.maxNanos = properties.maxDuration().toNanos();
        this.retry = Retry.of("pushsync-job-state", RetryConfig.custom()
                .maxAttempts(Integer.MAX_VALUE) // bounded by time instead: TimeIsUp ends it
                .intervalFunction(IntervalFunction.ofExponentialBackoff(properties.backoff(), 2,
                        properties.maxBackoff()))
                .retryExceptions(StateStoreUnavailableException.class)
                .ignoreExceptions(TimeIsUp.class)
                .build());
    }

    void run(String jobId, Runnable call) {
        call(jobId, () -> {
            call.run();
            return null;
        });
    }

    /** The call's answer; retried while the store fails, for up to {@code max-duration}. */
    <T> T call(String jobId, Supplier<T> call) {
        if (maxNanos == 0) {
            return call.get();
        }
        long started = System.nanoTime();
        AtomicInteger failures = new AtomicInteger();
        Supplier<T> attempt = () -> {
            try {
                return call.get();
            } catch (StateStoreUnavailableException e) {
                if (failures.getAndIncrement() == 0) {
                    log.warn("job {}: {}; trying again for up to {} (pushsync.jobs.state-write-retry.max-duration)",
                            jobId, e.getMessage(), maxDuration);
                }
                if (System.nanoTime() - started >= maxNanos) {
                    throw new TimeIsUp(e);
                }
                throw e;
            }
        };
        try {
            T answer = Retry.decorateSupplier(retry, attempt).get();
            if (failures.get() > 0) {
                log.info("job {}: the state store answered again after {} failed attempts ({} ms)", jobId,
                        failures.get(), Duration.ofNanos(System.nanoTime() - started).toMillis());
            }
            return answer;
        } catch (TimeIsUp e) {
            log.error("job {}: the state store still failed after {} ({} attempts); giving up", jobId, maxDuration,
                    failures.get());
            throw (StateStoreUnavailableException) e.getCause();
        }
    }
}
