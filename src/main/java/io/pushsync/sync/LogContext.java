package io.pushsync.sync;

import java.util.Map;
import org.slf4j.MDC;

/**
 * The batch's logging context (syncId, batchId, destination), captured on the request thread and re-applied on
 * the I/O threads that log vendor exchanges, so every line of a batch carries it.
 */
public final class LogContext {

    private final Map<String, String> values;

    private LogContext(Map<String, String> values) {
        this.values = values;
    }

    public static LogContext capture() {
        return new LogContext(MDC.getCopyOfContextMap());
    }

    public void run(Runnable action) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        try {
            if (values == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(values);
            }
            action.run();
        } finally {
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        }
    }
}
