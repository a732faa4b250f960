package io.pushsync.state.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import io.pushsync.sync.StateStoreUnavailableException;

/** Key naming and error translation shared by the Redis stores. */
final class RedisKeys {

    private RedisKeys() {
    }

    /** SHA-256 hex of {@code syncId} and {@code batchId}: any pair of ids makes a short, safe key. */
    static String pairDigest(String syncId, String batchId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = syncId.getBytes(StandardCharsets.UTF_8);
            // length-prefixed, so ("a:b", "c") and ("a", "b:c") differ
            sha.update((a.length + ":").getBytes(StandardCharsets.US_ASCII));
            sha.update(a);
            sha.update(batchId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 hex of {@code s} (UTF-8): an id from a caller, such as a user id, never appears raw in a key. */
    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8(s)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String utf8(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** Runs a Redis call; a failure of the store becomes {@link StateStoreUnavailableException}. */
    static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (DataAccessException e) {
            throw new StateStoreUnavailableException("the shared state store (Redis) failed to " + what + ": "
                    + e.getMostSpecificCause().getMessage(), e);
        }
    }

    static void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }
}
