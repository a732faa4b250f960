package io.pushsync.resilience;

/**
 * A transient failure that must not be retried any more: the vendor asked to wait longer ({@code Retry-After})
 * than the batch has left. Not retried, because it is not a {@link TransientVendorException}.
 */
public class RetryBudgetExhaustedException extends RuntimeException {

    private final transient TransientVendorException cause;

    public RetryBudgetExhaustedException(TransientVendorException cause, String message) {
        super(message, cause, false, false);
        this.cause = cause;
    }

    public TransientVendorException transientCause() {
        return cause;
    }
}
