package io.pushsync.sync.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A spooled body reads back as written, whatever the sizes of the writes and reads, and is not on disk in clear. */
class SpoolCipherTest {

    @Test
    void writesAndReadsOfAnySizeRoundTripAcrossTheCiphersSlices() throws Exception {
        byte[] body = new byte[70_001]; // several 4 KB slices and a tail
        new Random(7).nextBytes(body);
        SpoolCipher cipher = SpoolCipher.random();

        ByteArrayOutputStream disk = new ByteArrayOutputStream();
        try (OutputStream out = cipher.encrypting(disk)) {
            int[] writes = {1, 4095, 4097, 10_000, 40_000};
            int at = 0;
            for (int i = 0; at < body.length; i++) {
                int n = Math.min(writes[i % writes.length], body.length - at);
                if (n == 1) {
                    out.write(body[at]);
                } else {
                    out.write(body, at, n);
                }
                at += n;
            }
        }
        byte[] stored = disk.toByteArray();
        assertThat(stored).hasSameSizeAs(body).isNotEqualTo(body);

        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (InputStream in = cipher.decrypting(new ByteArrayInputStream(stored))) {
            byte[] buffer = new byte[65_536];
            for (int n; (n = in.read(buffer, 0, 1 + back.size() % buffer.length)) > 0; ) {
                back.write(buffer, 0, n);
            }
        }
        assertThat(back.toByteArray()).isEqualTo(body);
    }

    @Test
    void eachFileHasAKeyOfItsOwn() throws Exception {
        byte[] body = new byte[5000];
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        try (OutputStream a = SpoolCipher.random().encrypting(one); OutputStream b = SpoolCipher.random()
                .encrypting(two)) {
            a.write(body);
            b.write(body);
        }
        assertThat(one.toByteArray()).isNotEqualTo(two.toByteArray());
    }
}
