package io.pushsync.destination.xtremepush;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Delivers one chunk of rows and records every row's outcome, isolating the rows a vendor rejects: a chunk answered
 * {@link Rejected} is split in halves and each half re-sent, depth-first, until the rejected rows are alone, within
 * {@code maxRequestsPerChunk} requests (the first included); rows still unresolved then fail with the vendor's
 * message. A {@link Stop} stops the batch ({@link RowResults#stop}): nothing more is sent, and the rows of the chunk
 * not yet confirmed are left to fail with the stop's error. A body over the size bound ({@link TooLarge}) is split in
 * halves without sending it, which does not count against the budget.
 *
 * <p>Knows nothing of a vendor's replies: the {@code sender} sends and classifies
 * ({@link XtremepushReplyClassifier}).
 *
 * @param <T> a row as the wire needs it; {@code index} gives its position in the batch
 */
final class RowIsolation<T> {

    /** What one request of rows came to, as the vendor's reply classifier reads it. */
    sealed interface Outcome permits Confirmed, Rejected, Stop, Failed, TooLarge {
    }

    /** 2xx: {@code taskId} set (possibly null) when the vendor accepted for asynchronous processing (202). */
    record Confirmed(boolean async, String taskId) implements Outcome {
    }

    /** The vendor refused the request's content: isolate. */
    record Rejected(String message) implements Outcome {
    }

    /** No further request of the batch can succeed (the account or the target is wrong): stop the batch. */
    record Stop(RowError error) implements Outcome {
    }

    /** The request could not be delivered (retries exhausted, deadline): its rows fail, no isolation. */
    record Failed(RowError error) implements Outcome {
    }

    /**
     * The body would have been larger than the bound, so nothing was sent: the rows are split in halves, which costs
     * no request; a row alone fails with {@code rowError}.
     */
    record TooLarge(long size, long max, RowError rowError) implements Outcome {
    }

    private final Function<List<T>, Outcome> sender;
    private final ToIntFunction<T> index;
    private final int maxRequestsPerChunk;
    private final Deadline deadline;
    private final RowResults results;

    RowIsolation(Function<List<T>, Outcome> sender, ToIntFunction<T> index, int maxRequestsPerChunk,
            Deadline deadline, RowResults results) {
        this.sender = sender;
        this.index = index;
        this.maxRequestsPerChunk = Math.max(1, maxRequestsPerChunk);
        this.deadline = deadline;
        this.results = results;
    }

    /** Returns the number of requests the chunk cost. */
    int deliver(List<T> chunk) {
        int[] used = {0};
        deliver(chunk, used, null);
        return used[0];
    }

    private void deliver(List<T> rows, int[] used, String rejection) {
        if (results.isStopped()) {
            return; // the batch stopped: the rows are left for the stop's error
        }
        if (deadline.isExpired()) {
            fail(rows, deadline.expiredError());
            return;
        }
        if (used[0] >= maxRequestsPerChunk) {
            fail(rows, RowError.of(ErrorCode.REJECTED_BY_DESTINATION, rejection
                    + " (the rejected rows of this chunk could not be isolated within " + maxRequestsPerChunk
                    + " requests; this row may be fine)"));
            return;
        }
        used[0]++;
        Outcome outcome = sender.apply(rows);
        if (outcome instanceof Confirmed c) {
            for (T row : rows) {
                if (c.async()) {
                    results.accepted(index.applyAsInt(row), c.taskId());
                } else {
                    results.succeeded(index.applyAsInt(row));
                }
            }
        } else if (outcome instanceof Failed f) {
            fail(rows, f.error());
        } else if (outcome instanceof Stop s) {
            results.stop(s.error());
        } else if (outcome instanceof TooLarge t) {
            used[0]--; // nothing was sent
            if (rows.size() == 1) {
                fail(rows, t.rowError());
                return;
            }
            int half = rows.size() / 2;
            deliver(rows.subList(0, half), used, rejection);
            deliver(rows.subList(half, rows.size()), used, rejection);
        } else if (outcome instanceof Rejected r) {
            if (rows.size() == 1) {
                fail(rows, RowError.of(ErrorCode.REJECTED_BY_DESTINATION, r.message()));
                return;
            }
            int half = rows.size() / 2;
            deliver(rows.subList(0, half), used, r.message());
            deliver(rows.subList(half, rows.size()), used, r.message());
        }
    }

    private void fail(List<T> rows, RowError error) {
        for (T row : rows) {
            results.failed(index.applyAsInt(row), error);
        }
    }
}
