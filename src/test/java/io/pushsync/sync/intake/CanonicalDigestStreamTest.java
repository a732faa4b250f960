package io.pushsync.sync.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The digest of a stream read through {@link CanonicalDigestStream}, over many blocks (so on the digest threads, with
 * the reader waiting for them), is SHA-256 of the same JSON written without whitespace outside its strings.
 */
class CanonicalDigestStreamTest {

    @Test
    void aBodyOfManyBlocksReadInOddPiecesHasTheDigestOfItsCompactForm() throws Exception {
        Body body = body(new Random(42), 3 * CanonicalDigestStream.BLOCKS * CanonicalDigestStream.BLOCK);

        byte[] digest = read(body.spaced, 997);

        assertThat(body.spaced.length).isGreaterThan(body.compact.length);
        assertThat(digest).isEqualTo(MessageDigest.getInstance("SHA-256").digest(body.compact));
        assertThat(read(body.compact, 8192)).isEqualTo(digest);
    }

    @Test
    void aSpaceAddedInsideAStringOfABlockFarInChangesTheDigest() throws Exception {
        Body body = body(new Random(7), 2 * CanonicalDigestStream.BLOCKS * CanonicalDigestStream.BLOCK);
        String text = new String(body.compact, StandardCharsets.UTF_8);
        int at = text.indexOf("a b", text.length() - CanonicalDigestStream.BLOCK * 3);
        byte[] changed = (text.substring(0, at) + "a  b" + text.substring(at + 3)).getBytes(StandardCharsets.UTF_8);

        assertThat(at).isPositive();
        assertThat(read(changed, 4096)).isNotEqualTo(read(body.compact, 4096));
    }

    @Test
    void aBodySmallerThanABlockIsDigestedTheSame() throws Exception {
        byte[] spaced = "{ \"a\" : [ 1 , \"x \\\" y\" ] }\n".getBytes(StandardCharsets.UTF_8);
        byte[] compact = "{\"a\":[1,\"x \\\" y\"]}".getBytes(StandardCharsets.UTF_8);

        assertThat(read(spaced, 3)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(compact));
    }

    /** Reads the whole stream in reads of at most {@code piece} bytes, then takes the digest. */
    private static byte[] read(byte[] bytes, int piece) throws IOException {
        CanonicalDigestStream stream = new CanonicalDigestStream(new Pieces(bytes, piece));
        byte[] buf = new byte[8000];
        while (stream.read(buf, 0, buf.length) >= 0) {
            // read on
        }
        return stream.digest();
    }

    private record Body(byte[] spaced, byte[] compact) {
    }

    /**
     * An array of objects whose strings hold spaces, escaped quotes and backslashes, with whitespace of every kind
     * between its tokens, and the same array without that whitespace.
     */
    private static Body body(Random random, int atLeast) {
        StringBuilder spaced = new StringBuilder(atLeast + 1024);
        StringBuilder compact = new StringBuilder(atLeast + 1024);
        String[] gaps = {"", " ", "\n", "\r\n", "\t", "  \t "};
        String[] strings = {"a b", "quote \\\" inside", "back\\\\slash", "tab\\tand space ", " { : , } ", "plain"};
        token(spaced, compact, "[", gaps, random);
        for (int i = 0; spaced.length() < atLeast; i++) {
            if (i > 0) {
                token(spaced, compact, ",", gaps, random);
            }
            token(spaced, compact, "{", gaps, random);
            token(spaced, compact, "\"k" + i + "\"", gaps, random);
            token(spaced, compact, ":", gaps, random);
            token(spaced, compact, "\"" + strings[random.nextInt(strings.length)] + "\"", gaps, random);
            token(spaced, compact, ",", gaps, random);
            token(spaced, compact, "\"n\"", gaps, random);
            token(spaced, compact, ":", gaps, random);
            token(spaced, compact, Integer.toString(random.nextInt(100_000)), gaps, random);
            token(spaced, compact, "}", gaps, random);
        }
        token(spaced, compact, "]", gaps, random);
        return new Body(spaced.toString().getBytes(StandardCharsets.UTF_8),
                compact.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void token(StringBuilder spaced, StringBuilder compact, String token, String[] gaps, Random r) {
        spaced.append(gaps[r.nextInt(gaps.length)]).append(token);
        compact.append(token);
    }

    /** A stream that gives at most {@code piece} bytes a read. */
    private static final class Pieces extends InputStream {
        private final ByteArrayInputStream in;
        private final int piece;

        Pieces(byte[] bytes, int piece) {
            this.in = new ByteArrayInputStream(bytes);
            this.piece = piece;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, piece));
        }
    }
}
