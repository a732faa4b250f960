package io.pushsync.destination.xtremepush;

import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorReply;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Delivers one chunk of rows and records every row's outcome. A chunk the vendor rejects (400, 413, 422) is split
 * in halves and re-sent until the rejected rows are isolated, within
 * {@code maxRequestsPerChunk} requests (the first included); rows still unresolved then fail with the vendor's
 * message. 401/403/404 and other statuses that no split can cure stop the whole batch ({@link BatchStoppedException}),
 * and so does a {@code Retry-After} longer than the batch's remaining budget. A body over {@code max-chunk-bytes}
 * ({@link TooLarge}) is split in halves without sending it, which does not count against the budget.
 *
 * @param <T> a row as the wire needs it; {@code index} gives its position in the batch
 */
final class ChunkDelivery<T> {

    /** The statuses that blame the request's content, so that splitting the chunk can isolate the bad rows. */
    private static final java.util.Set<Integer> ISOLATING_STATUSES = java.util.Set.of(400, 413, 422);

    sealed interface Outcome permits Confirmed, Rejected, Stop, Failed, TooLarge {
    }

    /** 2xx: {@code taskId} set (possibly null) when the vendor accepted for asynchronous processing (202). */
    record Confirmed(boolean async, String taskId) implements Outcome {
    }

    /** The vendor refused the request's content: isolate. */
    record Rejected(String message) implements Outcome {
    }

    /** The account or the target is wrong: nothing more will succeed. */
    record Stop(RowError error) implements Outcome {
    }

    /** The request could not be delivered (retries exhausted, deadline): its rows fail, no isolation. */
    record Failed(RowError error) implements Outcome {
    }

    /**
     * The body would have been larger than {@code max-chunk-bytes}, so nothing was sent (an OAuth access token longer
     * than the room kept for it): the rows are split in halves, which costs no request; a row alone fails.
     */
    record TooLarge(long size, long max) implements Outcome {
    }

    /** The error of a row that makes a request body over {@code max-chunk-bytes} on its own: never sent. */
    static RowError rowTooLarge(long bodyBytes, long max) {
        return RowError.of(ErrorCode.INVALID_FIELD, "the row alone makes an Xtremepush request body of " + bodyBytes
                + " bytes, more than " + XtremepushProperties.MAX_CHUNK_BYTES_KEY + " (" + max + " bytes)");
    }

    static final class BatchStoppedException extends RuntimeException {
        private final transient RowError error;

        BatchStoppedException(RowError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        RowError error() {
            return error;
        }
    }

    private final Function<List<T>, Outcome> sender;
    private final ToIntFunction<T> index;
    private final int maxRequestsPerChunk;
    private final Deadline deadline;
    private final RowResults results;

    ChunkDelivery(Function<List<T>, Outcome> sender, ToIntFunction<T> index, int maxRequestsPerChunk,
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
            throw new BatchStoppedException(s.error());
        } else if (outcome instanceof TooLarge t) {
            used[0]--; // nothing was sent
            if (rows.size() == 1) {
                fail(rows, rowTooLarge(t.size(), t.max()));
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

    /** The outcome of an Xtremepush call, by status; a {@link VendorCallFailure} becomes {@link Failed}. */
    static Outcome classify(java.util.function.Supplier<VendorReply> call) {
        VendorReply reply;
        try {
            reply = call.get();
        } catch (XtremepushClient.BodyTooLargeException e) {
            return new TooLarge(e.size(), e.max());
        } catch (VendorCallFailure f) {
            // a Retry-After beyond the batch's budget holds for every chunk of the account: send no more
            return f.waitsBeyondBudget() ? new Stop(f.toRowError()) : new Failed(f.toRowError());
        }
        int status = reply.status();
        if (reply.isSuccess()) {
            return status == 202 ? new Confirmed(true, XtremepushWire.taskId(reply.json()))
                    : new Confirmed(false, null);
        }
        String message = "Xtremepush answered " + status + ": " + reply.message();
        if (status == 401 || status == 403) {
            return new Stop(RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, message));
        }
        if (status == 404) {
            return new Stop(RowError.of(ErrorCode.DESTINATION_NOT_FOUND, message));
        }
        if (ISOLATING_STATUSES.contains(status)) {
            return new Rejected(message);
        }
        // Other 4xx (405, 410, ...) say the endpoint refuses every request, not some rows: splitting cannot help
        // and every further chunk would get the same. Anything else (3xx, 1xx) means a misconfigured base URL or a
        // proxy in the way: the vendor never saw the rows, so retrying them later can help.
        ErrorCode code = status >= 400 && status < 500 ? ErrorCode.REJECTED_BY_DESTINATION
                : ErrorCode.DESTINATION_UNAVAILABLE;
        return new Stop(RowError.of(code, message));
    }
}
