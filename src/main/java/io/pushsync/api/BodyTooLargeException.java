package io.pushsync.api;

/** A body without a declared length (chunked) ran past its path's size limit while it was read: 413. */
class BodyTooLargeException extends RuntimeException {

    private final long maxBytes;
    private final String key;

    BodyTooLargeException(long maxBytes, String key) {
        super("the request body is longer than " + maxBytes + " bytes (" + key + ")", null, false, false);
        this.maxBytes = maxBytes;
        this.key = key;
    }

    long maxBytes() {
        return maxBytes;
    }

    String key() {
        return key;
    }
}
