package io.pushsync.sync.runs;

import io.pushsync.sync.history.HistoryProperties;
import io.pushsync.sync.history.InMemoryRunHistory;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.jobs.JobProperties;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The in-process recent-runs index ({@code pushsync.state.store=in-process}; Redis registers its own). */
@Configuration(proxyBeanMethods = false)
public class RunsConfiguration {

    /** How long a run is listed: as long as its results can be read (batch replay ttl, job retention). */
    public static Duration retention(IdempotencyProperties idempotency, JobProperties jobs) {
        return idempotency.ttl().compareTo(jobs.retention()) >= 0 ? idempotency.ttl() : jobs.retention();
    }

    @Bean
    @ConditionalOnProperty(name = "pushsync.state.store", havingValue = "in-process", matchIfMissing = true)
    InMemoryRunHistory inMemoryRunHistory(HistoryProperties history, IdempotencyProperties idempotency,
            JobProperties jobs) {
        return new InMemoryRunHistory(history.maxRuns(), retention(idempotency, jobs), Clock.systemUTC());
    }
}
