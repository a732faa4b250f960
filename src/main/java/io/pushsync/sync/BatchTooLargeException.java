package io.pushsync.sync;

/** More rows than {@code pushsync.batch.max-rows} (answered 413). */
public class BatchTooLargeException extends RuntimeException {

    public BatchTooLargeException(int rows, int maxRows) {
        super("the batch has " + rows + " rows; at most " + maxRows + " are accepted (pushsync.batch.max-rows): "
                + "split it into several batches");
    }
}
