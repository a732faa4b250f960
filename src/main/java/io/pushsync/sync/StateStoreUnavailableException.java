package io.pushsync.sync;

import io.pushsync.sync.batches.BatchService;

/**
 * The shared state store (Redis, {@code pushsync.state.store=redis}) could not be reached or answered with an error.
 * Answered 503 with Problem Details type {@code urn:pushsync:problem:state-store-unavailable}: the request may be
 * retried once the store is back. The in-process store never throws it. A batch whose rows already went to the vendor
 * is never answered so: {@link BatchService} answers its results and only logs and counts a failure to record it.
 */
public class StateStoreUnavailableException extends RuntimeException {

    public StateStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
