package io.pushsync.sync.intake;

import io.pushsync.sync.catalog.DestinationDescriptor;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * The checks of a body whose rows are not kept, made while it is read the first time
 * ({@link BatchBodyReader#read(java.io.InputStream, int, BatchBodyReader.RowSink)}): its head when {@code rows}
 * starts, then each row against it, hashing the row ids. A job's body is spooled this way, and is then not read once
 * more to be validated ({@link BatchValidator#prepare(DestinationDescriptor, BatchBody, java.util.function.Supplier,
 * int, String, StreamedChecks)}).
 *
 * <p>They stand only for a body whose head was whole when its rows started: a property after {@code rows} could
 * change what the rows are checked against (the object type, the mode, the options), so such a body is validated
 * from its file as if nothing had been checked. So is one whose head could not be checked here.
 */
public final class StreamedChecks implements BatchBodyReader.RowSink {

    private final HeadChecks heads;
    private final DestinationDescriptor destination;
    private final int maxRows;
    private final Violations violations = new Violations();
    private final RowIds.Hashed hashes = RowIds.hashed(0);
    private RequestHead head;
    private int headSize = -1;
    private int headProblems;

    StreamedChecks(HeadChecks heads, DestinationDescriptor destination, int maxRows) {
        this.heads = heads;
        this.destination = destination;
        this.maxRows = maxRows;
    }

    @Override
    public boolean rowsStart(ObjectNode before) {
        try {
            // the row count is not known yet: the validator compares it with the limit at the end
            head = heads.head(destination, new BatchBody(before, List.of(), 0, null), Integer.MAX_VALUE, "",
                    violations);
        } catch (RuntimeException e) {
            return false; // the validation from the file throws it again, in its place among the checks
        }
        headSize = before.size();
        headProblems = violations.total();
        return true;
    }

    @Override
    public void row(int index, BatchBody.RawRow row) {
        if (index < maxRows) { // a body with more rows is refused whole
            RowChecks.row(index, index, row, head, hashes, violations);
        }
    }

    /** Whether these checks are those of {@code body} for {@code to}: its head was whole when its rows started. */
    boolean stand(DestinationDescriptor to, BatchBody body) {
        return head != null && to == destination && body.head() != null && body.head().size() == headSize
                && body.rows() != null;
    }

    RequestHead head() {
        return head;
    }

    Violations violations() {
        return violations;
    }

    RowIds.Hashed hashes() {
        return hashes;
    }

    int headProblems() {
        return headProblems;
    }
}
