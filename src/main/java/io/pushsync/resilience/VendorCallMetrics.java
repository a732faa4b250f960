package io.pushsync.resilience;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code pushsync_vendor_requests_seconds} and {@code pushsync_vendor_retries_total}. Tags are fixed vocabularies:
 * never a credential, row id or identifier.
 */
@Component
public class VendorCallMetrics {

    private final MeterRegistry registry;
    /**
     * The timers by their tags, so that a request (one per row for CleverPush) records without building and looking
     * up the meter's id again. Bounded: the tags are fixed vocabularies.
     */
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    private record TimerKey(String destination, String operation, String outcome) {
    }

    public VendorCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code status} 0 means no HTTP answer (timeout, connection failure). */
    public void recordRequest(String destination, String operation, int status, Duration duration) {
        timers.computeIfAbsent(new TimerKey(destination, operation, outcome(status)),
                key -> Timer.builder("pushsync_vendor_requests_seconds")
                        .tag("destination", key.destination())
                        .tag("operation", key.operation())
                        .tag("outcome", key.outcome())
                        .register(registry)).record(duration);
    }

    public void recordRetry(String destination, String reason) {
        registry.counter("pushsync_vendor_retries_total", "destination", destination, "reason", reason).increment();
    }

    /** The contract's vocabulary: {@code 2xx}, {@code 4xx}, {@code 429}, {@code 5xx}, {@code io_error}. */
    static String outcome(int status) {
        if (status == 429) {
            return "429";
        }
        int family = status / 100;
        // no answer, or one outside the vocabulary (1xx, 3xx): a protocol-level failure of the exchange
        return family == 2 || family == 4 || family == 5 ? family + "xx" : "io_error";
    }
}
