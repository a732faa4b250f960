package io.pushsync.api;

import java.time.Duration;

/** A body did not arrive within its read timeout ({@code pushsync.batch.body-read-timeout}): stopped, 408. */
class BodyReadTimeoutException extends RuntimeException {

    BodyReadTimeoutException(Duration timeout, long bytesRead) {
        super("the request body did not arrive within " + timeout.toSeconds() + " s (pushsync.batch.body-read-timeout; "
                + bytesRead + " bytes had arrived): send it again, faster, or as a job", null, false, false);
    }
}
