package io.pushsync.api;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page ({@code server.error.path}, {@code /error}) answers Problem Details with a pushsync
 * {@code type} instead of Boot's default map or whitelabel page: an exception no handler answered, a
 * {@code sendError} from a filter. Replaces Boot's {@code BasicErrorController}. Never the exception, its message or
 * a stack trace (Tomcat logs an uncaught exception). Called directly, {@code /error} is no endpoint: a 404.
 */
@RestController
@io.swagger.v3.oas.annotations.Hidden
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        ProblemDetail p;
        if (request.getDispatcherType() != DispatcherType.ERROR || !(code instanceof Integer status)) {
            p = problem(HttpStatus.NOT_FOUND.value(), "Not found",
                    "no endpoint " + request.getMethod() + " " + request.getRequestURI());
            p.setInstance(instance(request.getRequestURI()));
        } else {
            int s = status < 400 ? HttpStatus.INTERNAL_SERVER_ERROR.value() : status;
            HttpStatus known = HttpStatus.resolve(s);
            String title = known == null ? "Error" : known.getReasonPhrase();
            String detail = s >= 500 ? "pushsync failed to answer the request; the error has been logged"
                    : "the request failed: " + s + " " + title;
            p = problem(s, title, detail);
            p.setInstance(instance(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)));
        }
        // preset: no content negotiation, so an Accept of text/html or text/xml gets the problem too
        return ResponseEntity.status(p.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    private static ProblemDetail problem(int status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
        p.setType(URI.create(ProblemTypes.forStatus(status)));
        p.setTitle(title);
        return p;
    }

    /** The original path (never the query: on /census it holds the token), or none if it is no valid URI. */
    private static URI instance(Object path) {
        if (!(path instanceof String s)) {
            return null;
        }
        try {
            return URI.create(s);
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }
}
