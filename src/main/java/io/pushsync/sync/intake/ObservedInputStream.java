package io.pushsync.sync.intake;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A stream that shows every byte read through it, once, to {@link #observe} (also the bytes skipped). */
public abstract class ObservedInputStream extends FilterInputStream {

    protected ObservedInputStream(InputStream in) {
        super(in);
    }

    /** Bytes {@code b[off, off + len)} were just read. */
    protected abstract void observe(byte[] b, int off, int len);

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            observe(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            observe(b, off, n);
        }
        return n;
    }

    /** Skipped bytes are read, so that they are observed too. */
    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        byte[] buf = new byte[8192];
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }
}
