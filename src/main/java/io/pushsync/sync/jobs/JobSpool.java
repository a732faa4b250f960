package io.pushsync.sync.jobs;

import io.pushsync.sync.intake.BatchBody;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.ObservedInputStream;
import io.pushsync.sync.intake.StreamedChecks;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Where job bodies wait on disk while their job lives ({@code pushsync.jobs.spool-dir}), so that a queued or running
 * job holds its spec in memory, not its rows.
 *
 * <p>Each instance writes into a directory of its own, {@code pushsync-spool-<random>}, next to a lock file
 * {@code pushsync-spool-<random>.lock} that it holds locked while it lives. At start-up every such directory whose
 * lock nobody holds (its instance is gone: a crash, a restart of the container) is deleted; the directories of
 * live instances sharing the spool directory (several in one JVM, or on one host) are left alone. Nothing else in
 * the spool directory is touched.
 */
@Component
public class JobSpool implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobSpool.class);
    private static final String PREFIX = "pushsync-spool-";
    private static final String LOCK = ".lock";

    private final BatchBodyReader reader;
    private final Path root;
    private final Path dir;
    private final Duration retryAfter;
    private FileChannel lockChannel;

    public JobSpool(BatchBodyReader reader, JobProperties properties) {
        this.reader = reader;
        this.root = properties.spoolDir();
        this.retryAfter = properties.retryAfter();
        String name = PREFIX + UUID.randomUUID();
        this.dir = root.resolve(name);
        try {
            Files.createDirectories(root);
            lockChannel = FileChannel.open(root.resolve(name + LOCK), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            lockChannel.lock();
            deleteStale();
            Files.createDirectory(dir);
        } catch (IOException | RuntimeException e) {
            log.error("the job spool directory {} (pushsync.jobs.spool-dir) cannot be used: {}; job submissions "
                    + "will be answered 503 until it can", root, e.toString());
        }
    }

    /** This instance's directory of spooled bodies. */
    public Path directory() {
        return dir;
    }

    /**
     * Reads a job's body (keeping no rows: {@link BatchBodyReader#read(InputStream, int, BatchBodyReader.RowSink)}
     * with 0) while writing it to a new file, encrypted with a key of its own ({@link SpoolCipher}), and checks its
     * rows as they pass ({@code checks}, null for none). A body that cannot be read leaves no file behind.
     *
     * @throws JobsBusyException ({@code SPOOL_UNAVAILABLE}) when the file cannot be written, e.g. the disk is full
     */
    public SpooledBody write(InputStream in, StreamedChecks checks) {
        Path file;
        try {
            Files.createDirectories(dir);
            file = Files.createTempFile(dir, "job-", ".json");
        } catch (IOException e) {
            throw unavailable(e);
        }
        try {
            BatchBody body;
            SpoolCipher cipher = SpoolCipher.random();
            try (OutputStream out = new BufferedOutputStream(cipher.encrypting(Files.newOutputStream(file)), 1 << 16)) {
                body = reader.read(new Tee(in, out), 0, checks);
            }
            return new SpooledBody(file, cipher, body, reader, checks);
        } catch (IOException e) {
            deleteQuietly(file);
            throw unavailable(e);
        } catch (Tee.WriteFailure e) {
            deleteQuietly(file);
            throw unavailable(e.getCause());
        } catch (RuntimeException | Error e) {
            deleteQuietly(file);
            throw e;
        }
    }

    private JobsBusyException unavailable(IOException e) {
        log.warn("cannot spool a job body to {}: {}", dir, e.toString());
        String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : e.getMessage() != null && !(e instanceof FileSystemException) ? e.getMessage()
                : e.getClass().getSimpleName();
        return new JobsBusyException(JobsBusyException.Reason.SPOOL_UNAVAILABLE, retryAfter, "this replica cannot "
                + "write the job's body to its spool directory (pushsync.jobs.spool-dir): " + reason + "; nothing "
                + "was stored: submit the job again later");
    }

    /** Deletes the directories (and lock files) of instances that are gone. */
    private void deleteStale() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.endsWith(LOCK)) {
                    Path stale = root.resolve(name.substring(0, name.length() - LOCK.length()));
                    if (!stale.equals(dir) && nobodyHolds(entry)) {
                        deleteDirectory(stale);
                        Files.deleteIfExists(entry);
                    }
                } else if (Files.isDirectory(entry) && !Files.exists(root.resolve(name + LOCK))) {
                    deleteDirectory(entry); // its lock file is gone: its instance deleted it on the way out
                }
            }
        }
    }

    private static boolean nobodyHolds(Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            return lock != null; // released with the channel
        } catch (OverlappingFileLockException e) {
            return false; // held by an instance in this JVM
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        int files = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path file : entries) {
                Files.deleteIfExists(file);
                files++;
            }
        }
        Files.deleteIfExists(directory);
        log.info("deleted the job spool directory {} of a previous instance ({} files)", directory, files);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", file, e.toString());
        }
    }

    /** On shutdown (after the jobs have stopped): this instance's directory and lock go. */
    @Override
    public void destroy() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                deleteQuietly(file);
            }
        } catch (IOException e) {
            // no directory: nothing to delete
        }
        deleteQuietly(dir);
        if (lockChannel != null) {
            lockChannel.close();
            deleteQuietly(root.resolve(dir.getFileName() + LOCK));
        }
    }

    /** Copies what is read to {@code out}; a failed write is a {@link WriteFailure}, never the reader's IOException. */
    private static final class Tee extends ObservedInputStream {
        private final OutputStream out;

        Tee(InputStream in, OutputStream out) {
            super(in);
            this.out = out;
        }

        @Override
        protected void observe(byte[] b, int off, int len) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new WriteFailure(e);
            }
        }

        /** The request stream belongs to the servlet container. */
        @Override
        public void close() {
        }

        static final class WriteFailure extends RuntimeException {
            WriteFailure(IOException cause) {
                super(cause);
            }

            @Override
            public synchronized IOException getCause() {
                return (IOException) super.getCause();
            }
        }
    }
}
