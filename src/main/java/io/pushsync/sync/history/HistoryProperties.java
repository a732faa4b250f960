package io.pushsync.sync.history;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.history.*}.
 *
 * @param maxRuns runs the recent-runs index keeps (newest first; older entries also leave it once older than the
 *     idempotency ttl and the job retention)
 */
@ConfigurationProperties("pushsync.history")
public record HistoryProperties(@DefaultValue("1000") int maxRuns) {

    public HistoryProperties {
        if (maxRuns < 1) {
            throw new IllegalArgumentException("pushsync.history.max-runs must be 1 or more, not " + maxRuns);
        }
    }
}
