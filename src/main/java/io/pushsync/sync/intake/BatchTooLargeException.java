package io.pushsync.sync.intake;

/** More rows than {@code pushsync.batch.max-rows} (answered 413). */
public class BatchTooLargeException extends RuntimeException {

    public BatchTooLargeException(int rows, int maxRows) {
        this(rows, maxRows, "pushsync.batch.max-rows");
    }

    public BatchTooLargeException(int rows, int maxRows, String key) {
        super("the batch has " + rows + " rows; at most " + maxRows + " are accepted (" + key + "): "
                + "split it into several batches");
    }
}
