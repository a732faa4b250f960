package io.pushsync.sync.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Feeds the bytes read to SHA-256, leaving out JSON whitespace outside strings, so that the same payload
 * formatted differently has the same digest.
 *
 * <p>The digest is taken off the reading thread: the bytes read are copied into blocks of {@value #BLOCK} bytes, and
 * each full block is digested on a {@code pushsync-digest} thread, in order, while the parser reads on. At most
 * {@value #BLOCKS} blocks of one stream are in memory; when the digest is that far behind, the reader waits for it.
 * A body smaller than one block never leaves the reading thread. {@link #digest()} waits for the blocks sent and
 * digests the last one itself.
 */
public final class CanonicalDigestStream extends ObservedInputStream {

    /** Bytes copied before a block is handed to a digest thread. */
    static final int BLOCK = 64 * 1024;
    /** Blocks of one stream in memory at most (being filled, waiting or being digested). */
    static final int BLOCKS = 8;

    /**
     * The threads that digest full blocks, one at most per stream at a time (a stream's blocks are chained), as many
     * as the machine has cores: the digest is CPU work, and the queue is bounded by each stream's blocks.
     */
    private static final ExecutorService DIGESTERS = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), new DaemonThreads());

    private final MessageDigest sha;
    private byte[] scratch = new byte[BLOCK];
    private boolean inString;
    private boolean escaped;
    private boolean closed;

    /** Blocks digested and free to be filled again; a block is made only when none is free, up to {@link #BLOCKS}. */
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BLOCKS);
    private int made;
    private byte[] block;
    private int filled;
    /** The digest of the blocks handed over so far: each is chained after the one before. */
    private CompletableFuture<Void> digested = CompletableFuture.completedFuture(null);

    public CanonicalDigestStream(InputStream in) {
        super(in);
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void observe(byte[] b, int off, int len) {
        while (len > 0) {
            if (block == null) {
                block = nextBlock();
            }
            int n = Math.min(len, BLOCK - filled);
            System.arraycopy(b, off, block, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == BLOCK) {
                handOver();
            }
        }
    }

    void feed(byte[] b) {
        observe(b, 0, b.length);
    }

    private byte[] nextBlock() {
        byte[] next = free.poll();
        if (next != null) {
            return next;
        }
        if (made < BLOCKS) {
            made++;
            return new byte[BLOCK];
        }
        try {
            return free.take(); // the digest is BLOCKS behind: wait for it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the payload digest", e);
        }
    }

    /** Digests the full block on a digest thread, after the blocks before it. */
    private void handOver() {
        byte[] full = block;
        block = null;
        filled = 0;
        digested = digested.handleAsync((ignored, failure) -> {
            try {
                if (failure == null) {
                    update(full, BLOCK);
                }
            } finally {
                free.add(full); // even after a failure, so that the reader never waits for a block in vain
            }
            if (failure != null) {
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            return null;
        }, DIGESTERS);
    }

    private void update(byte[] b, int len) {
        int kept = 0;
        for (int i = 0; i < len; i++) {
            byte c = b[i];
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                continue;
            }
            scratch[kept++] = c;
        }
        sha.update(scratch, 0, kept);
    }

    /** The parser closes its input at the end of it: the underlying stream is the caller's to close. */
    @Override
    public void close() {
        closed = true;
    }

    /** Reads what the parser left of the stream (whitespace after the value), which the digest covers too. */
    public void drain() {
        if (closed) {
            return; // the parser read to the end already
        }
        try {
            byte[] buf = new byte[8192];
            while (read(buf, 0, buf.length) >= 0) {
                // the rest (whitespace) belongs to the digest too
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of the bytes read, without the whitespace outside strings (once, at the end). */
    public byte[] digest() {
        digested.join(); // the blocks handed over, in order; what they changed is visible from here on
        if (block != null) {
            update(block, filled);
            block = null;
            filled = 0;
        }
        return sha.digest();
    }

    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "pushsync-digest-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
