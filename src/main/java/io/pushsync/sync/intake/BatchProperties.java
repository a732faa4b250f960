package io.pushsync.sync.intake;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
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
 */
@ConfigurationProperties("pushsync.batch")
public record BatchProperties(
        @DefaultValue("100000") int maxRows,
        @DefaultValue("10m") Duration deadline,
        @DefaultValue("200") int maxFieldsPerRow,
        @DefaultValue("64KB") DataSize maxStringLength,
        @DefaultValue("100MB") DataSize maxBodySize,
        @DefaultValue("64") int maxNestingDepth,
        @DefaultValue("20") int dryRunMaxBodies) {
}
