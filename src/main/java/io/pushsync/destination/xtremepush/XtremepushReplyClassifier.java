package io.pushsync.destination.xtremepush;

import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorReply;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What an Xtremepush reply means for the rows of the request ({@link RowIsolation.Outcome}): 2xx confirms them (202:
 * accepted, with the task id); 400, 413 and 422 blame the request's content, so the rejected rows can be isolated;
 * 401/403 (credentials), 404 (the list or endpoint) and any other status that no split can cure stop the batch, and
 * so does a {@code Retry-After} longer than the batch's remaining budget.
 */
final class XtremepushReplyClassifier {

    /** The statuses that blame the request's content, so that splitting the chunk can isolate the bad rows. */
    private static final Set<Integer> ISOLATING_STATUSES = Set.of(400, 413, 422);

    private XtremepushReplyClassifier() {
    }

    /** The outcome of an Xtremepush call, by status; a {@link VendorCallFailure} becomes {@code Failed}. */
    static RowIsolation.Outcome classify(Supplier<VendorReply> call) {
        VendorReply reply;
        try {
            reply = call.get();
        } catch (XtremepushClient.BodyTooLargeException e) {
            return tooLarge(e.size(), e.max());
        } catch (VendorCallFailure f) {
            // a Retry-After beyond the batch's budget holds for every chunk of the account: send no more
            return f.waitsBeyondBudget() ? new RowIsolation.Stop(f.toRowError())
                    : new RowIsolation.Failed(f.toRowError());
        }
        int status = reply.status();
        if (reply.isSuccess()) {
            return status == 202 ? new RowIsolation.Confirmed(true, XtremepushWire.taskId(reply.json()))
                    : new RowIsolation.Confirmed(false, null);
        }
        String message = "Xtremepush answered " + status + ": " + reply.message();
        if (status == 401 || status == 403) {
            return new RowIsolation.Stop(RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, message));
        }
        if (status == 404) {
            return new RowIsolation.Stop(RowError.of(ErrorCode.DESTINATION_NOT_FOUND, message));
        }
        if (ISOLATING_STATUSES.contains(status)) {
            return new RowIsolation.Rejected(message);
        }
        // Other 4xx (405, 410, ...) say the endpoint refuses every request, not some rows: splitting cannot help
        // and every further chunk would get the same. Anything else (3xx, 1xx) means a misconfigured base URL or a
        // proxy in the way: the vendor never saw the rows, so retrying them later can help.
        ErrorCode code = status >= 400 && status < 500 ? ErrorCode.REJECTED_BY_DESTINATION
                : ErrorCode.DESTINATION_UNAVAILABLE;
        return new RowIsolation.Stop(RowError.of(code, message));
    }

    /**
     * A body of {@code size} bytes, over {@code max-chunk-bytes} ({@code max}), that was not sent (an OAuth access
     * token longer than the room kept for it).
     */
    static RowIsolation.TooLarge tooLarge(long size, long max) {
        return new RowIsolation.TooLarge(size, max, rowTooLarge(size, max));
    }

    /** The error of a row that makes a request body over {@code max-chunk-bytes} on its own: never sent. */
    static RowError rowTooLarge(long bodyBytes, long max) {
        return RowError.of(ErrorCode.INVALID_FIELD, "the row alone makes an Xtremepush request body of " + bodyBytes
                + " bytes, more than " + XtremepushProperties.MAX_CHUNK_BYTES_KEY + " (" + max + " bytes)");
    }
}
