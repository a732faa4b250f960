package io.pushsync.sync.snapshots;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 64-bit hash a snapshot keeps its members by: the first eight bytes of the SHA-256 of the member's UTF-8 form.
 * Two distinct members of one audience share a hash with a probability of about n²/2⁶⁵ (3·10⁻⁸ for a million).
 */
public final class MemberHash {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private MemberHash() {
    }

    public static long of(String member) {
        MessageDigest sha = SHA256.get();
        byte[] digest = sha.digest(member.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    }
}
