package io.pushsync.api;

import io.pushsync.sync.intake.BatchBody;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.intake.MissingBodyException;
import io.pushsync.sync.intake.ObservedInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.Function;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * Reads a batch or job body straight from the request's stream ({@link BatchBodyReader}) instead of through a
 * {@code @RequestBody JsonNode}: a 100,000-row batch is never one JSON tree (a Census call likewise, with
 * {@code io.pushsync.api.census.CensusCallReader}). A body that cannot be read fails as Spring's own reading would
 * ({@link HttpMessageNotReadableException}), so the Problem Details stay the same.
 */
@Component
public class StreamedBodies {

    private final BatchBodyReader reader;
    private final Duration batchReadTimeout;

    StreamedBodies(BatchBodyReader reader, BatchProperties batches) {
        this.reader = reader;
        this.batchReadTimeout = batches.bodyReadTimeout();
    }

    /** A batch's body, within {@code pushsync.batch.body-read-timeout}. */
    BatchBody read(HttpServletRequest request, int keepRows, long maxBytes, String key) {
        return read(request, maxBytes, key, batchReadTimeout, in -> reader.read(in, keepRows));
    }

    /**
     * Reads the body with {@code reading} (a job's: spooled to disk while it is read).
     *
     * @param maxBytes the path's size limit: a body without a declared length (chunked) is stopped once it runs past
     *     it ({@link RequestBodyLimitFilter} refuses a declared length over it before anything is read): 413
     * @param key the configuration key of that limit, named in the 413
     */
    public <T> T read(HttpServletRequest request, long maxBytes, String key, Function<InputStream, T> reading) {
        return read(request, maxBytes, key, null, reading);
    }

    /**
     * As {@link #read(HttpServletRequest, long, String, Function)}, the body arriving within {@code timeout} (null:
     * no bound but Tomcat's on each read): a body still arriving then is stopped at its next bytes, 408.
     */
    public <T> T read(HttpServletRequest request, long maxBytes, String key, Duration timeout,
            Function<InputStream, T> reading) {
        try {
            return reading.apply(new Bounded(request.getInputStream(), maxBytes, key, timeout));
        } catch (MissingBodyException e) {
            throw new HttpMessageNotReadableException("Required request body is missing", e,
                    new ServletServerHttpRequest(request));
        } catch (JacksonException | IOException e) {
            throw new HttpMessageNotReadableException("the request body is not well-formed JSON: " + e.getMessage(),
                    e, new ServletServerHttpRequest(request));
        }
    }

    /** Counts the bytes read (and skipped) and stops the read past {@code maxBytes}, or once its time is up. */
    private static final class Bounded extends ObservedInputStream {
        private final long maxBytes;
        private final String key;
        private final Duration timeout;
        private final long until;
        private long read;

        Bounded(InputStream in, long maxBytes, String key, Duration timeout) {
            super(in);
            this.maxBytes = maxBytes;
            this.key = key;
            this.timeout = timeout;
            this.until = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        }

        @Override
        protected void observe(byte[] b, int off, int len) {
            read += len;
            if (read > maxBytes) {
                throw new BodyTooLargeException(maxBytes, key);
            }
            if (timeout != null && System.nanoTime() - until > 0) {
                throw new BodyReadTimeoutException(timeout, read);
            }
        }
    }
}
