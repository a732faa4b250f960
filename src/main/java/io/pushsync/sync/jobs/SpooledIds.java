package io.pushsync.sync.jobs;

import io.pushsync.sync.intake.BatchBodyReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads a spooled body's row ids a segment at a time, for {@link JobStore#create}; the rest of each row is skipped. */
final class SpooledIds implements Iterator<List<String>>, AutoCloseable {
    private final SpooledBody body;
    private final JobSpec spec;
    private BatchBodyReader.RowCursor rows;
    private int next;

    SpooledIds(SpooledBody body, JobSpec spec) {
        this.body = body;
        this.spec = spec;
    }

    @Override
    public boolean hasNext() {
        return next < spec.segments();
    }

    @Override
    public List<String> next() {
        if (rows == null) {
            rows = body.rows();
        }
        int size = spec.segmentTo(next) - spec.segmentFrom(next);
        List<String> ids = new ArrayList<>(size);
        while (ids.size() < size) {
            String id = rows.nextId();
            if (id == null) {
                throw new IllegalStateException("row " + rows.index() + " of a validated job body has no string id");
            }
            ids.add(id);
        }
        next++;
        return ids;
    }

    @Override
    public void close() {
        if (rows != null) {
            rows.close();
        }
    }
}
