package io.pushsync.sync;

/** Row error codes of the contract; each knows whether retrying the row can help. */
public enum ErrorCode {
    MISSING_REQUIRED_FIELD("missing_required_field", false),
    INVALID_FIELD("invalid_field", false),
    INVALID_PHONE_NUMBER("invalid_phone_number", false),
    INVALID_SUBSCRIPTION_STATUS("invalid_subscription_status", false),
    MISSING_SUBSCRIPTION_STATUS("missing_subscription_status", false),
    REJECTED_BY_DESTINATION("rejected_by_destination", false),
    DESTINATION_AUTH_FAILED("destination_auth_failed", false),
    DESTINATION_NOT_FOUND("destination_not_found", false),
    /** No subscription of the channel carries the row's external user id. */
    SUBSCRIPTION_NOT_FOUND("subscription_not_found", false),
    /** The row names a tag the channel does not have ({@code message} names it). */
    UNKNOWN_TAG("unknown_tag", false),
    /** The row sets a custom attribute the channel does not have ({@code field} names it). */
    UNKNOWN_ATTRIBUTE("unknown_attribute", false),
    RATE_LIMITED("rate_limited", true),
    DESTINATION_UNAVAILABLE("destination_unavailable", true),
    DEADLINE_EXCEEDED("deadline_exceeded", true),
    CANCELLED("cancelled", true),
    /** The job's replica stopped (shutdown or crash) before this row was confirmed. */
    INTERRUPTED("interrupted", true),
    /** Used with status {@code skipped}: the row had nothing to send. */
    NO_FIELDS("no_fields", false),
    /** Used with status {@code skipped} in replace mode: the member is in the target's snapshot already. */
    UNCHANGED("unchanged", false);

    private final String code;
    private final boolean retryable;

    ErrorCode(String code, boolean retryable) {
        this.code = code;
        this.retryable = retryable;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
