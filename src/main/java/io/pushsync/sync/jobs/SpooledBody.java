package io.pushsync.sync.jobs;

import io.pushsync.sync.intake.BatchBody;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.StreamedChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's request body as it waits on disk ({@link JobSpool}): its head read once, its rows read again from the file
 * as often as needed, one at a time. Deleted when the job no longer needs it.
 */
public final class SpooledBody {

    private static final Logger log = LoggerFactory.getLogger(SpooledBody.class);

    private final Path file;
    private final SpoolCipher cipher;
    private final BatchBody body;
    private final BatchBodyReader reader;
    private final StreamedChecks checks;

    SpooledBody(Path file, SpoolCipher cipher, BatchBody body, BatchBodyReader reader, StreamedChecks checks) {
        this.file = file;
        this.cipher = cipher;
        this.body = body;
        this.reader = reader;
        this.checks = checks;
    }

    /** The body as read while it was spooled: the head, the row count and the digest, no rows. */
    public BatchBody body() {
        return body;
    }

    /** The checks made while the body was spooled, or null. */
    public StreamedChecks checks() {
        return checks;
    }

    /** A new cursor over the rows, from the first. */
    public BatchBodyReader.RowCursor rows() {
        try {
            return reader.rows(new java.io.BufferedInputStream(cipher.decrypting(Files.newInputStream(file)), 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled job body " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    /** Removes the file (again: nothing). */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete the spooled job body {}: {}", file, e.toString());
        }
    }
}
