package io.pushsync.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushsync.sync.intake.BatchProperties;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The request bodies of the batches ({@code /batches}) this replica reads and runs at once, in bytes
 * ({@code pushsync.batch.max-bytes-in-memory}, by default a thirty-second of the JVM's maximum heap). A batch's rows in
 * memory are a few times the size of its body, so this bounds the heap that concurrent batches hold, whatever their
 * number. A batch takes room for its body before a byte of it is read (its {@code Content-Length}; a body of unknown
 * length, sent chunked, takes room for {@code pushsync.batch.max-body-size}) and gives it back once it has its
 * answer.
 *
 * <p>Room is given first come, first served. A small body, at most {@link #SMALL_SHARE 1/64} of the room, goes
 * ahead of waiting ones whenever it fits in what is free, and an {@link #RESERVE_SHARE eighth} of the room is kept
 * for small bodies alone: a 10-row batch waits neither behind large ones nor for them to finish. A body larger than
 * the rest of the room takes all of the rest, so it runs alone but for small ones. A batch that finds no room within
 * {@code pushsync.batch.memory-wait} is refused ({@link BatchRoomFullException}: 503 with {@code Retry-After}) with
 * nothing of its body read and nothing sent, so it can be sent again as it was.
 */
@Component
public class BatchRoom {

    /** A body at most this share of the room is small: it may pass waiting ones, and use the reserve. */
    public static final int SMALL_SHARE = 64;
    /** This share of the room is kept for small bodies. */
    static final int RESERVE_SHARE = 8;

    private final long room;
    private final long small;
    private final long unknownLength;
    private final Duration maxWait;
    /** The batches waiting, in the order they asked. */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    /** Free room that any body may take: the room but the reserve, to begin with. */
    private long free;
    /** Free room of the reserve, which only small bodies take. */
    private long freeReserve;

    @Autowired
    BatchRoom(BatchProperties properties, MeterRegistry meters) {
        this(properties.bytesInMemory(), properties.maxBodySize().toBytes(), properties.memoryWait());
        Gauge.builder("pushsync_batch_bytes_in_memory", this, BatchRoom::held)
                .description("request bytes of the batches this replica reads and runs now (at most "
                        + "pushsync.batch.max-bytes-in-memory)")
                .register(meters);
    }

    BatchRoom(long room, long unknownLength, Duration maxWait) {
        this.room = Math.max(1, room);
        this.small = this.room / SMALL_SHARE;
        this.unknownLength = unknownLength;
        this.maxWait = maxWait;
        this.freeReserve = this.room / RESERVE_SHARE;
        this.free = this.room - freeReserve;
    }

    /**
     * Waits for room for a body of {@code contentLength} bytes (-1: unknown), at most {@code memory-wait}.
     *
     * @throws BatchRoomFullException when there was no room in time
     */
    public Taken take(long contentLength) {
        long length = Math.max(contentLength < 0 ? unknownLength : contentLength, 1);
        boolean isSmall = length <= small;
        long wanted = isSmall ? length : Math.min(length, room - room / RESERVE_SHARE);
        long until = System.nanoTime() + maxWait.toNanos();
        Object me = new Object();
        synchronized (this) {
            waiting.addLast(me);
            try {
                while (true) {
                    if (free >= wanted && (isSmall || waiting.peekFirst() == me)) {
                        free -= wanted;
                        return once(wanted, false);
                    }
                    if (isSmall && freeReserve >= wanted) {
                        freeReserve -= wanted;
                        return once(wanted, true);
                    }
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        throw new BatchRoomFullException(room, wanted, maxWait);
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BatchRoomFullException(room, wanted, maxWait);
            } finally {
                waiting.remove(me);
                notifyAll(); // the next in line may go now
            }
        }
    }

    /** What gives {@code bytes} back, once however often it is closed. */
    private Taken once(long bytes, boolean reserve) {
        AtomicBoolean given = new AtomicBoolean();
        return () -> {
            if (given.compareAndSet(false, true)) {
                give(bytes, reserve);
            }
        };
    }

    private synchronized void give(long bytes, boolean reserve) {
        if (reserve) {
            freeReserve += bytes;
        } else {
            free += bytes;
        }
        notifyAll();
    }

    /** Bytes held now. */
    public synchronized long held() {
        return room - free - freeReserve;
    }

    /** The whole room, in bytes. */
    public long size() {
        return room;
    }

    /** Batches waiting for room now. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** Room held for one batch; {@link #close} gives it back. */
    public interface Taken extends AutoCloseable {
        @Override
        void close();
    }
}
