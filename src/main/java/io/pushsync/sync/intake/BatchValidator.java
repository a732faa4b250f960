package io.pushsync.sync.intake;

import io.pushsync.sync.Connection;
import io.pushsync.sync.PreparedBatch;
import io.pushsync.sync.RowError;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.connections.NamedConnections;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Turns a request body into a {@link PreparedBatch}, checking it against the destination's catalog.
 *
 * <p>Request-level problems (structure, ids, connection, object type, mode, options: {@link HeadChecks}; a row's
 * shape, id and {@code change}: {@link RowChecks#row}) are collected into one {@link InvalidBatchException}.
 * Row-level problems (a missing identifier, too many fields, an oversized string: {@link RowChecks#rowProblem})
 * fail only that row.
 */
@Component
public class BatchValidator {

    /** Rows whose row-level problems one task checks ({@link #rowProblems}). */
    private static final int CHECK_BLOCK = 4096;

    private final HeadChecks heads;
    private final RowChecks rowChecks;
    private final BatchProperties limits;

    @Autowired
    public BatchValidator(BatchProperties limits, NamedConnections named) {
        this.limits = limits;
        this.heads = new HeadChecks(named);
        this.rowChecks = new RowChecks(limits);
    }

    /** A validator that knows no named connections. */
    public BatchValidator(BatchProperties limits) {
        this(limits, NamedConnections.none());
    }

    /** The limits this validator checks against ({@code pushsync.batch.*}). */
    public BatchProperties limits() {
        return limits;
    }

    /** A body read by {@link BatchBodyReader}, with another row limit (jobs have their own). */
    public PreparedBatch prepare(DestinationDescriptor destination, BatchBody body, int maxRows, String maxRowsKey) {
        Violations v = new Violations();
        RequestHead head = heads.head(destination, body, maxRows, maxRowsKey, v);
        List<BatchBody.RawRow> rawRows = body.rows();
        RowIds ids = RowIds.exact(rawRows.size());
        List<SyncRow> rows = new ArrayList<>(rawRows.size());
        for (int i = 0; i < rawRows.size(); i++) {
            rows.add(RowChecks.row(i, i, rawRows.get(i), head, ids, v));
        }
        if (!v.isEmpty()) {
            throw v.exception();
        }
        return batch(head, rows);
    }

    /**
     * Validates a request whose rows are not in memory (a job's body, spooled to a file): {@code body} is its head
     * (read keeping no rows), {@code rows} opens a new cursor over its rows for each pass. The same request errors
     * as {@link #prepare} in the same order, in memory that does not grow with the rows but for one 64-bit hash per
     * row id: a first pass checks every row and hashes the ids; only when two hashes are equal does a second pass
     * check again, comparing the ids of those hashes exactly. Row-level problems are not looked at here:
     * {@link #window} finds them when the rows are read to be sent.
     *
     * @return the validated head, with which {@link #window} reads the rows
     */
    public RequestHead prepare(DestinationDescriptor destination, BatchBody body,
            Supplier<BatchBodyReader.RowCursor> rows, int maxRows, String maxRowsKey) {
        Violations v = new Violations();
        RequestHead head = heads.head(destination, body, maxRows, maxRowsKey, v);
        int headProblems = v.total();
        RowIds.Hashed hashes = RowIds.hashed(body.rowCount());
        checkRows(head, rows, hashes, v);
        return checkedRows(head, rows, hashes, v, headProblems);
    }

    /**
     * After a pass that checked every row and hashed its id: when two hashes are equal, the rows again from the first,
     * the problems of the first pass dropped ({@code headProblems} kept) and the ids of those hashes compared
     * exactly; then the problems found, if any, as one exception.
     */
    private RequestHead checkedRows(RequestHead head, Supplier<BatchBodyReader.RowCursor> rows, RowIds.Hashed hashes,
            Violations v, int headProblems) {
        RowIds collisions = hashes.collisions();
        if (collisions != null) {
            v.truncate(headProblems);
            checkRows(head, rows, collisions, v);
        }
        if (!v.isEmpty()) {
            throw v.exception();
        }
        return head;
    }

    /**
     * Checks to make while a body that will not be kept is read ({@link StreamedChecks}), for
     * {@link #prepare(DestinationDescriptor, BatchBody, Supplier, int, String, StreamedChecks)}.
     */
    public StreamedChecks streamed(DestinationDescriptor destination, int maxRows) {
        return new StreamedChecks(heads, destination, maxRows);
    }

    /**
     * {@link #prepare(DestinationDescriptor, BatchBody, Supplier, int, String)} for a body that {@code checked} saw
     * while it was read: the same errors in the same order, without a pass over the rows (but when two row ids'
     * hashes are equal). When the checks do not stand for the body ({@link StreamedChecks}), or are null, the rows
     * are read from {@code rows} as there.
     */
    public RequestHead prepare(DestinationDescriptor destination, BatchBody body,
            Supplier<BatchBodyReader.RowCursor> rows, int maxRows, String maxRowsKey, StreamedChecks checked) {
        if (checked == null || !checked.stand(destination, body)) {
            return prepare(destination, body, rows, maxRows, maxRowsKey);
        }
        if (body.rowCount() > maxRows) {
            throw new BatchTooLargeException(body.rowCount(), maxRows, maxRowsKey);
        }
        return checkedRows(checked.head().withRowCount(body.rowCount()), rows, checked.hashes(), checked.violations(),
                checked.headProblems());
    }

    private void checkRows(RequestHead head, Supplier<BatchBodyReader.RowCursor> rows, RowIds ids, Violations v) {
        try (BatchBodyReader.RowCursor cursor = rows.get()) {
            for (BatchBody.RawRow raw = cursor.next(); raw != null; raw = cursor.next()) {
                RowChecks.row(cursor.index(), cursor.index(), raw, head, ids, v);
            }
        }
    }

    /**
     * The next {@code count} rows of a request that {@link #prepare(DestinationDescriptor, BatchBody, Supplier, int,
     * String)} validated, as a batch of their own: its rows are indexed from 0 (the first row read here), its row
     * failures are the rows' row-level problems.
     */
    public PreparedBatch window(RequestHead head, BatchBodyReader.RowCursor cursor, int count) {
        Violations v = new Violations();
        List<SyncRow> rows = new ArrayList<>(count);
        for (BatchBody.RawRow raw; rows.size() < count && (raw = cursor.next()) != null; ) {
            rows.add(RowChecks.row(cursor.index(), rows.size(), raw, head, RowIds.none(), v));
        }
        if (!v.isEmpty()) {
            throw new IllegalStateException("rows read again no longer pass validation: " + v.listed());
        }
        return batch(head, rows);
    }

    /** The valid rows for the adapter, the rows' ids and the rows failed by their row-level problems. */
    private PreparedBatch batch(RequestHead head, List<SyncRow> rows) {
        List<String> ids = new ArrayList<>(rows.size());
        List<SyncRow> valid = new ArrayList<>(rows.size());
        Map<Integer, RowError> rowFailures = new LinkedHashMap<>();
        RowError[] problems = rowProblems(head, rows);
        for (int i = 0; i < rows.size(); i++) {
            SyncRow row = rows.get(i);
            ids.add(row.id());
            RowError problem = problems[i];
            if (problem == null) {
                valid.add(row);
            } else {
                rowFailures.put(row.index(), problem);
            }
        }
        return new PreparedBatch(head.request(valid), ids, rowFailures, head.dryRun());
    }

    /**
     * The row-level problem of each row (null for none). The checks of one row read only that row, so the rows of a
     * large batch are checked a block at a time on the common pool too, not only on the request's thread.
     */
    private RowError[] rowProblems(RequestHead head, List<SyncRow> rows) {
        RowError[] problems = new RowError[rows.size()];
        int blocks = (rows.size() + CHECK_BLOCK - 1) / CHECK_BLOCK;
        IntStream each = IntStream.range(0, blocks);
        (blocks > 1 ? each.parallel() : each).forEach(b -> {
            for (int i = b * CHECK_BLOCK, end = Math.min(rows.size(), i + CHECK_BLOCK); i < end; i++) {
                problems[i] = rowChecks.rowProblem(head.objectType(), head.mode(), rows.get(i));
            }
        });
        return problems;
    }

    /** Validates the body naming a replace target: a request of mode replace without rows. */
    public SyncRequest replaceTarget(DestinationDescriptor destination, JsonNode body) {
        return heads.replaceTarget(destination, body);
    }

    /** Validates the body of a connection check: {@code {"connection": {...}}} or {@code {"connectionRef": "name"}}. */
    public Connection connectionOnly(DestinationDescriptor destination, JsonNode body) {
        return heads.connectionOnly(destination, body);
    }
}
