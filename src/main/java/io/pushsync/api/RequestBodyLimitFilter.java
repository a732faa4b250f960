package io.pushsync.api;

import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.jobs.JobProperties;
import io.pushsync.sync.values.Text;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a {@code /v1} or {@code /census} body whose declared length exceeds {@code pushsync.batch.max-body-size}
 * ({@code pushsync.jobs.max-body-size} for job submissions) with 413 before anything reads it. A batch, job or Census
 * body without a length (chunked) is stopped while it is read ({@link StreamedBodies}); any body by the parser's bound
 * ({@link JsonLimitsConfig}).
 *
 * <p>Bodies must also be UTF-8 (RFC 8259 section 8.1): the digest that tells a replay from a different payload under
 * the same ids is taken over the bytes as UTF-8 ({@code BatchBodyReader}), and two different UTF-16 bodies can have
 * the same such digest. The request's body stream is therefore checked when it is first opened and read, by whoever
 * reads it (a batch, a job, a connection check, a Census call), without buffering the body: a {@code Content-Type}
 * charset other than UTF-8, or a body whose first bytes are a UTF-16/UTF-32 byte order mark or hold a 0x00 byte (RFC
 * 8259's encoding detection: a JSON text in UTF-8 has none there) is refused with {@link NotUtf8BodyException}
 * before anything is parsed ({@link ProblemDetailsAdvice}: 415; Census: a JSON-RPC parse error). A UTF-8 byte order
 * mark is accepted (the parser skips it, as RFC 8259 allows).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestBodyLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final long maxJobBytes;

    RequestBodyLimitFilter(BatchProperties properties, JobProperties jobs) {
        this.maxBytes = properties.maxBodySize().toBytes();
        this.maxJobBytes = jobs.maxBodySize().toBytes();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return !uri.startsWith("/v1/") && !uri.startsWith("/census/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        boolean job = request.getRequestURI().endsWith("/jobs");
        long maxBytes = job ? maxJobBytes : this.maxBytes;
        String key = job ? "pushsync.jobs.max-body-size" : "pushsync.batch.max-body-size";
        if (length > maxBytes) {
            response.setStatus(413);
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setHeader("Connection", "close");
            response.getWriter().write("{\"type\":\"" + ProblemTypes.BODY_TOO_LARGE + "\",\"title\":\"Request body too "
                    + "large\",\"status\":413,\"detail\":\"the request body has " + length + " bytes; at most "
                    + maxBytes + " are accepted (" + key + "): split the batch\",\"instance\":\""
                    + request.getRequestURI().replace("\"", "") + "\"}");
            return;
        }
        chain.doFilter(new Utf8Only(request), response);
    }

    /** The request body is not UTF-8 (its declared charset, or its first bytes, say otherwise): nothing was parsed. */
    static final class NotUtf8BodyException extends RuntimeException {

        NotUtf8BodyException(String message) {
            super(message, null, false, false);
        }
    }

    /** A request whose body stream refuses a body that is not UTF-8 when it is opened and first read. */
    private static final class Utf8Only extends HttpServletRequestWrapper {
        private ServletInputStream in;

        Utf8Only(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (in == null) {
                String charset = declaredCharset(getContentType());
                if (charset != null && !isUtf8(charset)) {
                    throw new NotUtf8BodyException("the request body must be UTF-8 (Content-Type charset=UTF-8 or no "
                            + "charset), not charset=" + printable(charset));
                }
                in = new FirstBytesChecked(super.getInputStream());
            }
            return in;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        /** The Content-Type's {@code charset} parameter, unquoted; null without one (or an unparsable type). */
        private static String declaredCharset(String contentType) {
            if (contentType == null) {
                return null;
            }
            try {
                String charset = MediaType.parseMediaType(contentType).getParameter("charset");
                if (charset != null && charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
                    charset = charset.substring(1, charset.length() - 1);
                }
                return charset;
            } catch (InvalidMediaTypeException e) {
                return null; // Spring refuses the type itself (415)
            }
        }

        private static boolean isUtf8(String charset) {
            try {
                return Charset.isSupported(charset) && Charset.forName(charset).equals(StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false; // an illegal charset name
            }
        }

        private static String printable(String s) {
            return Text.clip(s, 40).replaceAll("[^\\x21-\\x7e]", "?");
        }
    }

    /**
     * Reads the first (up to) four bytes of the body on the first read and refuses a UTF-16 or UTF-32 body: a BOM
     * {@code FE FF} or {@code FF FE}, or a 0x00 byte among them (UTF-16/32 without a BOM, RFC 8259's detection).
     */
    private static final class FirstBytesChecked extends ServletInputStream {
        private final ServletInputStream in;
        private byte[] head;
        private int next;

        FirstBytesChecked(ServletInputStream in) {
            this.in = in;
        }

        private void check() throws IOException {
            if (head != null) {
                return;
            }
            byte[] b = new byte[4];
            int n = 0;
            while (n < b.length) {
                int r = in.read(b, n, b.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            head = Arrays.copyOf(b, n);
            boolean bom = n >= 2 && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF)
                    || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE));
            boolean zero = false;
            for (int i = 0; i < n; i++) {
                zero |= b[i] == 0;
            }
            if (bom || zero) {
                throw new NotUtf8BodyException("the request body must be UTF-8; its first bytes show UTF-16 or "
                        + "UTF-32 (" + (bom ? "a byte order mark" : "a 0x00 byte") + ")");
            }
        }

        @Override
        public int read() throws IOException {
            check();
            return next < head.length ? head[next++] & 0xFF : in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            if (len == 0) {
                return 0;
            }
            if (next < head.length) {
                int n = Math.min(len, head.length - next);
                System.arraycopy(head, next, b, off, n);
                next += n;
                return n;
            }
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return (head == null ? 0 : head.length - next) + in.available();
        }

        @Override
        public boolean isFinished() {
            return (head == null || next >= head.length) && in.isFinished();
        }

        @Override
        public boolean isReady() {
            return (head != null && next < head.length) || in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
