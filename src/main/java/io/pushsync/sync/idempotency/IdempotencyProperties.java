package io.pushsync.sync.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.idempotency.*}.
 *
 * @param ttl how long a finished batch can be replayed
 * @param maxStoredRows bound of the in-process ledger, in stored result rows (a batch weighs its row count + 1);
 *     beyond it the oldest finished batches are forgotten first (the newest is always kept)
 */
@ConfigurationProperties("pushsync.idempotency")
public record IdempotencyProperties(
        @DefaultValue("24h") Duration ttl,
        @DefaultValue("2000000") long maxStoredRows) {
}
