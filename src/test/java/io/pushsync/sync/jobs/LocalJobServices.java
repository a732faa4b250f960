package io.pushsync.sync.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.intake.PayloadFingerprint;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.idempotency.IdempotencyLedger;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.idempotency.InMemoryIdempotencyLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** A {@link JobService} without Spring for unit tests: one destination, the given store, a spool of its own. */
public final class LocalJobServices {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private LocalJobServices() {
    }

    /** One job running, two waiting, progress every 20 ms, no shutdown grace. */
    static JobService service(Destination destination, JobStore store, Path spoolDir, int segmentSize,
            int windowRows) {
        return service(destination, store, properties(spoolDir, segmentSize, windowRows, Duration.ofMillis(20),
                Duration.ofSeconds(30), new JobProperties.StateWriteRetry(Duration.ofSeconds(5),
                        Duration.ofMillis(50), Duration.ofMillis(500))), new SimpleMeterRegistry());
    }

    /** One job running, two waiting, no shutdown grace, the rest as given. */
    public static JobProperties properties(Path spoolDir, int segmentSize, int windowRows,
            Duration progressInterval, Duration heartbeatTimeout, JobProperties.StateWriteRetry stateWriteRetry) {
        return new JobProperties(100_000, DataSize.ofMegabytes(64), 1, 2, Duration.ofHours(1), Duration.ofHours(1),
                progressInterval, heartbeatTimeout, Duration.ZERO, Duration.ofSeconds(5), segmentSize, 1000,
                windowRows, 1_000_000, spoolDir, stateWriteRetry);
    }

    /** An in-process idempotency ledger of its own; its gauges ({@code pushsync_jobs}) go to {@code meters}. */
    public static JobService service(Destination destination, JobStore store, JobProperties jobs,
            MeterRegistry meters) {
        return service(destination, store, ledger(), jobs, meters);
    }

    public static IdempotencyLedger ledger() {
        return new InMemoryIdempotencyLedger(new IdempotencyProperties(Duration.ofHours(1), 10_000));
    }

    /** With the idempotency ledger of the batches it shares one key space with. */
    public static JobService service(Destination destination, JobStore store, IdempotencyLedger ledger,
            JobProperties jobs, MeterRegistry meters) {
        BatchProperties limits = new BatchProperties(1000, Duration.ofMinutes(1), 10, DataSize.ofKilobytes(64),
                DataSize.ofMegabytes(1), 64, 20);
        return new JobService(new DestinationRegistry(List.of(destination)), new BatchValidator(limits), store,
                ledger, new JobSpool(new BatchBodyReader(JSON), jobs), jobs, new SyncMetrics(new SimpleMeterRegistry()),
                new PayloadFingerprint(JSON), meters, null);
    }
}
