package io.pushsync.api;

import io.pushsync.sync.BatchBody;
import io.pushsync.sync.BatchBodyReader;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * Reads a batch or job body straight from the request's stream ({@link BatchBodyReader}) instead of through a
 * {@code @RequestBody JsonNode}: a 100,000-row batch is never one JSON tree. A body that cannot be read fails as
 * Spring's own reading would ({@link HttpMessageNotReadableException}), so the Problem Details stay the same.
 */
@Component
class StreamedBodies {

    private final BatchBodyReader reader;

    StreamedBodies(BatchBodyReader reader) {
        this.reader = reader;
    }

    BatchBody read(HttpServletRequest request, int keepRows) {
        return read(request, in -> reader.read(in, keepRows));
    }

    /** Reads the body with {@code reading} (a job's: spooled to disk while it is read). */
    <T> T read(HttpServletRequest request, Function<InputStream, T> reading) {
        try {
            return reading.apply(request.getInputStream());
        } catch (BatchBodyReader.MissingBodyException e) {
            throw new HttpMessageNotReadableException("Required request body is missing", e,
                    new ServletServerHttpRequest(request));
        } catch (JacksonException | IOException e) {
            throw new HttpMessageNotReadableException("the request body is not well-formed JSON: " + e.getMessage(),
                    e, new ServletServerHttpRequest(request));
        }
    }
}
