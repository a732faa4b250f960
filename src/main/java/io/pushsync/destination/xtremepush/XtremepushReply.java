package io.pushsync.destination.xtremepush;

import tools.jackson.databind.JsonNode;

/** An answer of Xtremepush that is not retried: a 2xx or a 4xx other than 429. {@code json} is null if unparsable. */
record XtremepushReply(int status, JsonNode json, String raw) {

    boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    String message() {
        return XtremepushWire.vendorMessage(json, raw);
    }
}
