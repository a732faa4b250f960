package io.pushsync.api;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * No room in memory for a batch's body within {@code pushsync.batch.memory-wait} ({@link BatchRoom}): nothing of it
 * was read or sent; a 503 {@code batch-memory-full} with {@code Retry-After}.
 */
public class BatchRoomFullException extends RuntimeException {

    /** The Retry-After of the answer. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    BatchRoomFullException(long room, long wanted, Duration waited) {
        super("no room in memory for this batch's " + DataSize.ofBytes(wanted).toKilobytes() + " KB body within "
                + "pushsync.batch.memory-wait (" + waited.toSeconds() + " s): the batches this replica is running "
                + "hold pushsync.batch.max-bytes-in-memory (" + DataSize.ofBytes(room).toKilobytes() + " KB); "
                + "nothing was read or sent, send it again later");
    }
}
