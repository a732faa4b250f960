package io.pushsync.sandbox;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The simulated Xtremepush's OAuth 2.0 token endpoint ({@code POST /api/oauth/token}) and the access tokens it issued.
 *
 * <p>It is the client credentials grant (RFC 6749 4.4) as pushsync speaks it (the vendor documents the endpoint, not
 * its encoding): an {@code application/x-www-form-urlencoded} body with {@code grant_type=client_credentials}, the
 * client authenticated either by {@code client_id} and {@code client_secret} in that body or by
 * {@code Authorization: Basic base64(client_id:client_secret)} (not both: 400 {@code invalid_request}); nothing in
 * the query string. It answers 200 {@code {"access_token": "<opaque>", "token_type": "Bearer", "expires_in":
 * <seconds>}}; a wrong or missing client 401 {@code {"error": "invalid_client", ...}}; a missing {@code grant_type}
 * 400 {@code invalid_request}, any other one (the vendor's {@code jwt-bearer} included) 400
 * {@code unsupported_grant_type}. Issued tokens live in memory; expired ones are dropped whenever a token is issued,
 * and at most {@value #MAX_ACCESS_TOKENS} are kept (the one expiring first makes room).
 */
final class XtremepushTokens {

    static final int MAX_ACCESS_TOKENS = 10_000;
    static final String BEARER = "Bearer";
    private static final String BASIC = "Basic";
    private static final String CLIENT_CREDENTIALS = "client_credentials";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SandboxXtremepushProperties project;
    /** Issued access token to the instant it stops being accepted. */
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration tokenLifetime;
    private final int maxAccessTokens;

    XtremepushTokens(SandboxXtremepushProperties project, Clock clock, int maxAccessTokens) {
        this.project = project;
        this.clock = clock;
        this.maxAccessTokens = maxAccessTokens;
        this.tokenLifetime = Duration.ofSeconds(project.tokenLifetime().toSeconds());
    }

    /** The token endpoint's answer to {@code request}. */
    ResponseEntity<Map<String, Object>> token(HttpServletRequest request, String authorization) {
        MediaType type;
        try {
            type = request.getContentType() == null ? null : MediaType.parseMediaType(request.getContentType());
        } catch (InvalidMediaTypeException e) {
            type = null;
        }
        if (type == null || !MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(type)) {
            return oauthError(HttpStatus.BAD_REQUEST, "invalid_request",
                    "the body must be application/x-www-form-urlencoded");
        }
        if (request.getQueryString() != null && !request.getQueryString().isEmpty()) {
            return oauthError(HttpStatus.BAD_REQUEST, "invalid_request",
                    "parameters belong in the form body, not in the query string");
        }
        for (String name : List.of("grant_type", "client_id", "client_secret")) {
            String[] values = request.getParameterValues(name);
            if (values != null && values.length > 1) {
                return oauthError(HttpStatus.BAD_REQUEST, "invalid_request", name + " is given more than once");
            }
        }
        String clientId = request.getParameter("client_id");
        String clientSecret = request.getParameter("client_secret");
        String basic = credentials(authorization, BASIC);
        if (basic != null) {
            if (clientId != null || clientSecret != null) {
                return oauthError(HttpStatus.BAD_REQUEST, "invalid_request",
                        "authenticate the client by HTTP Basic or by client_id and client_secret, not both");
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(basic), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            int colon = decoded.indexOf(':');
            clientId = colon < 0 ? null : decoded.substring(0, colon);
            clientSecret = colon < 0 ? null : decoded.substring(colon + 1);
        }
        if (!matches(project.clientId(), clientId) || !matches(project.clientSecret(), clientSecret)) {
            ResponseEntity<Map<String, Object>> denied = oauthError(HttpStatus.UNAUTHORIZED, "invalid_client",
                    "Client authentication failed");
            return basic == null ? denied : ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .headers(denied.getHeaders())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"xtremepush-sandbox\"")
                    .body(denied.getBody());
        }
        String grantType = request.getParameter("grant_type");
        if (grantType == null || grantType.isBlank()) {
            return oauthError(HttpStatus.BAD_REQUEST, "invalid_request", "grant_type is required");
        }
        if (!grantType.equals(CLIENT_CREDENTIALS)) {
            return oauthError(HttpStatus.BAD_REQUEST, "unsupported_grant_type",
                    "the sandbox supports grant_type=client_credentials only");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issue());
        body.put("token_type", BEARER);
        body.put("expires_in", tokenLifetime.toSeconds());
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header(HttpHeaders.PRAGMA, "no-cache")
                .body(body);
    }

    /** Whether {@code token} was issued and has not expired; an expired one is dropped. */
    boolean accepts(String token) {
        Instant expiry = accessTokens.get(token);
        if (expiry == null || !clock.instant().isBefore(expiry)) {
            if (expiry != null) {
                accessTokens.remove(token, expiry);
            }
            return false;
        }
        return true;
    }

    /** How many issued access tokens are held (expired ones included until the next issue drops them). */
    int held() {
        return accessTokens.size();
    }

    /** Forgets every issued token. */
    void clear() {
        accessTokens.clear();
    }

    /** A new random token, valid for the configured lifetime; drops expired ones, and the oldest when full. */
    private String issue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        synchronized (accessTokens) {
            accessTokens.values().removeIf(expiry -> !now.isBefore(expiry));
            while (accessTokens.size() >= maxAccessTokens) {
                accessTokens.entrySet().stream().min(Map.Entry.comparingByValue())
                        .ifPresent(e -> accessTokens.remove(e.getKey(), e.getValue()));
            }
            accessTokens.put(token, now.plus(tokenLifetime));
        }
        return token;
    }

    /** The credentials of an {@code Authorization} header of that scheme (case-insensitive), else null. */
    static String credentials(String authorization, String scheme) {
        if (authorization == null) {
            return null;
        }
        String header = authorization.trim();
        int space = header.indexOf(' ');
        String given = space < 0 ? header : header.substring(0, space);
        return given.equalsIgnoreCase(scheme) ? (space < 0 ? "" : header.substring(space + 1).trim()) : null;
    }

    /** Constant-time comparison of a presented credential with the configured one. */
    private static boolean matches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static ResponseEntity<Map<String, Object>> oauthError(HttpStatus status, String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return ResponseEntity.status(status).cacheControl(CacheControl.noStore()).header(HttpHeaders.PRAGMA, "no-cache")
                .body(body);
    }
}
