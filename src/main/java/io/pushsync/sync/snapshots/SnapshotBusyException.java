package io.pushsync.sync.snapshots;

/** Another replace run holds the target (answered 409, problem {@code snapshot-busy}). */
public class SnapshotBusyException extends RuntimeException {

    public SnapshotBusyException(String message) {
        super(message);
    }
}
