package io.pushsync.sync.jobs;

import io.pushsync.sync.RowResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The compact form of a segment of row ids or row results: a gzip-compressed JSON array. Results of a million-row
 * job are a thousand such values of a few KB each, not a million entries.
 */
@Component
public class JobSegments {

    private static final TypeReference<List<String>> IDS = new TypeReference<>() {
    };
    private static final TypeReference<List<RowResult>> RESULTS = new TypeReference<>() {
    };

    private final JsonMapper json;

    public JobSegments(JsonMapper json) {
        this.json = json;
    }

    public byte[] encodeIds(List<String> ids) {
        return encode(ids);
    }

    public List<String> decodeIds(byte[] bytes) {
        return decode(bytes, IDS);
    }

    public byte[] encodeResults(List<RowResult> results) {
        return encode(results);
    }

    public List<RowResult> decodeResults(byte[] bytes) {
        return decode(bytes, RESULTS);
    }

    private byte[] encode(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            json.writeValue(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private <T> T decode(byte[] bytes, TypeReference<T> type) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return json.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
