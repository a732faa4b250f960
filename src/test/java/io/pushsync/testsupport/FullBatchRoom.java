package io.pushsync.testsupport;

import io.pushsync.api.BatchRoom;
import java.util.ArrayList;
import java.util.List;

/** Every byte of a {@link BatchRoom} taken, as batches running would hold it: the reserve for small bodies too. */
public final class FullBatchRoom implements AutoCloseable {

    private final List<BatchRoom.Taken> taken = new ArrayList<>();

    public FullBatchRoom(BatchRoom room) {
        taken.add(room.take(Long.MAX_VALUE)); // all but the reserve
        long small = Math.max(1, room.size() / BatchRoom.SMALL_SHARE);
        while (room.held() < room.size()) {
            taken.add(room.take(Math.min(small, room.size() - room.held()))); // the reserve, a small body at a time
        }
    }

    @Override
    public void close() {
        taken.forEach(BatchRoom.Taken::close);
    }
}
