package io.pushsync.sync.intake;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code pushsync.batch.*}: limits of one batch.
 *
 * @param maxRows rows per batch; more is a 413
 * @param deadline time budget of a batch; rows not sent by then fail {@code deadline_exceeded}
 * @param maxFieldsPerRow fields per row; a row with more fails {@code invalid_field}
 * @param maxStringLength UTF-8 size of one string value (and of an object or array value as JSON text); a larger
 *     value fails its row with {@code invalid_field}
 * @param maxBodySize size of a request body; a larger one is answered 413 before it is parsed
 * @param maxNestingDepth nesting of arrays and objects in a request body; deeper is a 400 while parsing
 * @param dryRunMaxBodies a dry run's answer lists the vendor requests' bodies ({@code plan.bodies}) when the real
 *     run would make at most this many requests (0: never)
 * @param maxBytesInMemory request bytes of the batches a replica reads and runs at once (a batch's rows in memory are
 *     a few times its body); a batch waits for room before its body is read. Unset: a thirty-second of the JVM's
 *     maximum heap ({@link #bytesInMemory()})
 * @param memoryWait how long a batch waits for that room before it is refused (503, {@code batch-memory-full})
 * @param bodyReadTimeout how long the body of a batch (or a Census call) may take to arrive once its room is taken;
 *     a slower one is stopped while it is read (408, {@code body-read-timeout})
 */
@ConfigurationProperties("pushsync.batch")
public record BatchProperties(
        @DefaultValue("100000") int maxRows,
        @DefaultValue("10m") Duration deadline,
        @DefaultValue("200") int maxFieldsPerRow,
        @DefaultValue("64KB") DataSize maxStringLength,
        @DefaultValue("100MB") DataSize maxBodySize,
        @DefaultValue("64") int maxNestingDepth,
        @DefaultValue("20") int dryRunMaxBodies,
        DataSize maxBytesInMemory,
        @DefaultValue("30s") Duration memoryWait,
        @DefaultValue("2m") Duration bodyReadTimeout) {

    /** The default room of {@code max-bytes-in-memory}: this share of the JVM's maximum heap. */
    public static final int HEAP_SHARE = 32;

    @ConstructorBinding
    public BatchProperties {
    }

    /** The limits of one batch, with the default room for concurrent batches (tests, callers in code). */
    public BatchProperties(int maxRows, Duration deadline, int maxFieldsPerRow, DataSize maxStringLength,
            DataSize maxBodySize, int maxNestingDepth, int dryRunMaxBodies) {
        this(maxRows, deadline, maxFieldsPerRow, maxStringLength, maxBodySize, maxNestingDepth, dryRunMaxBodies, null,
                Duration.ofSeconds(30), Duration.ofMinutes(2));
    }

    /** {@code max-bytes-in-memory} in bytes: as set, else a thirty-second of the JVM's maximum heap. */
    public long bytesInMemory() {
        return maxBytesInMemory != null ? maxBytesInMemory.toBytes() : Runtime.getRuntime().maxMemory() / HEAP_SHARE;
    }
}
