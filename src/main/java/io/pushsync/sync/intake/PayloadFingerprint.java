package io.pushsync.sync.intake;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Tells a replay from a different payload under the same {@code (syncId, batchId)}: batches and jobs alike. */
@Component
public class PayloadFingerprint {

    private final JsonMapper json;

    public PayloadFingerprint(JsonMapper json) {
        this.json = json;
    }

    /**
     * SHA-256 of the type and the body's digest (the body's bytes without insignificant whitespace, taken while it
     * was read): the same payload sent again, however formatted, has the same fingerprint.
     */
    public String of(String type, BatchBody body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(type.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(body.digest());
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of the type and the body, streamed into the digest (a 100,000-row body is never copied). */
    public String of(String type, JsonNode body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(type.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            try (DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
                json.writeValue(out, body);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
