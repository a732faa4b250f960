package io.pushsync.sync.jobs;

import io.pushsync.sync.intake.ObservedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A spooled job body is encrypted on disk (AES-256 in CTR mode) with a key made for that one file and held only in
 * this replica's memory: the body carries the caller's inline {@code connection} (an app token, an API key), and a
 * file left on a node's disk, copied from a volume or read by another process is of no use without the running
 * replica. If the replica dies, nobody can read the file; it is deleted at the next start-up anyway.
 */
final class SpoolCipher {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TRANSFORMATION = "AES/CTR/NoPadding";
    /** The most bytes given to the cipher in one call ({@link #update}). */
    private static final int SLICE = 4096;

    private final SecretKeySpec key;
    private final IvParameterSpec iv;

    private SpoolCipher(byte[] key, byte[] iv) {
        this.key = new SecretKeySpec(key, "AES");
        this.iv = new IvParameterSpec(iv);
    }

    /** A new key and counter start for one file. */
    static SpoolCipher random() {
        byte[] key = new byte[32];
        byte[] iv = new byte[16];
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(iv);
        return new SpoolCipher(key, iv);
    }

    private Cipher cipher(int mode) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(mode, key, iv);
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is not available in this JVM", e);
        }
    }

    /**
     * {@link Cipher#update(byte[], int, int, byte[], int)} over {@code len} bytes of {@code in}, a slice of at most
     * {@link #SLICE} bytes at a time, each into {@code scratch} (at least {@link #SLICE} long), handed to {@code out}
     * before the next. HotSpot runs AES/CTR with its AES-NI stub only in callers that C2 has compiled, after some
     * thousands of calls; until then a block of 16 bytes at a time in Java, 10-20 times slower. In a process doing
     * little else, 4 KB calls got the stub after about 20 MB, the 64 KB reads of the spool's buffer after 40-60 MB
     * (under load C2 may come to them later: docs/decisions.md, "Jobs on disk"). The output never goes to {@code in}
     * itself: given the same array for input and output, the cipher would copy every slice's input into a new array
     * first (an overlap it cannot rule out).
     */
    private static <E extends Exception> void update(Cipher cipher, byte[] in, int off, int len, byte[] scratch,
            SliceOut<E> out) throws GeneralSecurityException, E {
        for (int done = 0, n; done < len; done += n) {
            n = Math.min(SLICE, len - done);
            out.accept(off + done, cipher.update(in, off + done, n, scratch, 0));
        }
    }

    /** Takes one slice's output from {@link #update}: {@code n} bytes of its scratch, for the input at {@code at}. */
    @FunctionalInterface
    private interface SliceOut<E extends Exception> {
        void accept(int at, int n) throws E;
    }

    /** Encrypts what is written to {@code out}; CTR keeps lengths, so nothing is held back until close. */
    OutputStream encrypting(OutputStream out) {
        Cipher cipher = cipher(Cipher.ENCRYPT_MODE);
        return new FilterOutputStream(out) {
            private final byte[] scratch = new byte[SLICE];

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    update(cipher, b, off, len, scratch, (at, n) -> out.write(scratch, 0, n));
                } catch (GeneralSecurityException e) {
                    throw new IOException("cannot encrypt the spooled job body", e);
                }
            }
        };
    }

    /** Decrypts what is read from {@code in} in place, a slice at a time (CTR: the same length out as in). */
    InputStream decrypting(InputStream in) {
        Cipher cipher = cipher(Cipher.DECRYPT_MODE);
        return new ObservedInputStream(in) {
            private final byte[] scratch = new byte[SLICE];

            @Override
            protected void observe(byte[] b, int off, int len) {
                try {
                    update(cipher, b, off, len, scratch, (at, n) -> System.arraycopy(scratch, 0, b, at, n));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("cannot decrypt the spooled job body", e);
                }
            }

            @Override
            public boolean markSupported() {
                return false; // the cipher cannot go back
            }
        };
    }
}
