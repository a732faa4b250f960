package io.pushsync.resilience;

import tools.jackson.databind.JsonNode;

/**
 * An answer of a vendor that is not retried: a 2xx or a non-retryable error status. {@code json} is the parsed
 * body ({@code null} if empty or not JSON); {@code message} is the vendor's words (as the adapter's message reader
 * finds them, for a 2xx too), already redacted of every secret of the call and truncated.
 */
public record VendorReply(int status, JsonNode json, String message) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
