package io.pushsync.destination.xtremepush;

import tools.jackson.databind.JsonNode;

/**
 * An answer of Xtremepush that is not retried: a 2xx (with its parsed body, {@code null} if unparsable, for the
 * task id) or a non-retryable error status (with the vendor's message, already redacted and truncated).
 */
record XtremepushReply(int status, JsonNode json, String message) {

    boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
