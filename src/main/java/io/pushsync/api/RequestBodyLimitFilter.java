package io.pushsync.api;

import io.pushsync.sync.BatchProperties;
import io.pushsync.sync.jobs.JobProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a {@code /v1} or {@code /census} body whose declared length exceeds {@code pushsync.batch.max-body-size}
 * ({@code pushsync.jobs.max-body-size} for job submissions) with 413 before anything reads it. A batch or job body
 * without a length (chunked) is stopped while it is read ({@link StreamedBodies}); any body by the parser's bound
 * ({@link JsonLimitsConfig}).
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
        chain.doFilter(request, response);
    }
}
