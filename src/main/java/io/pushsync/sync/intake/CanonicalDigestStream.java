package io.pushsync.sync.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Feeds the bytes read to SHA-256, leaving out JSON whitespace outside strings, so that the same payload
 * formatted differently has the same digest.
 */
public final class CanonicalDigestStream extends ObservedInputStream {
    private final MessageDigest sha;
    private byte[] scratch = new byte[8192];
    private boolean inString;
    private boolean escaped;
    private boolean closed;

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
        feed(b, off, len);
    }

    void feed(byte[] b) {
        feed(b, 0, b.length);
    }

    private void feed(byte[] b, int off, int len) {
        if (scratch.length < len) {
            scratch = new byte[len];
        }
        int kept = 0;
        for (int i = off; i < off + len; i++) {
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
        return sha.digest();
    }
}
