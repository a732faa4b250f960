package io.pushsync.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} (or, on {@code /census/**} only, the query parameter
 * {@code census_authentication}) against {@code pushsync.api-tokens} (constant-time). */
class ApiTokenAuthenticationFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";
    static final String CENSUS_PATH = "/census/";
    static final String CENSUS_PARAMETER = "census_authentication";

    private final List<byte[]> tokens;

    ApiTokenAuthenticationFilter(List<String> tokens) {
        this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        byte[] presented = null;
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            presented = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        } else if (request.getRequestURI().startsWith(CENSUS_PATH)) {
            String fromQuery = censusToken(request.getQueryString());
            presented = fromQuery == null ? null : fromQuery.getBytes(StandardCharsets.UTF_8);
        }
        if (presented != null) {
            boolean match = false;
            for (byte[] token : tokens) {
                match |= MessageDigest.isEqual(token, presented);
            }
            if (match) {
                var auth = new UsernamePasswordAuthenticationToken("api-caller", null,
                        AuthorityUtils.createAuthorityList("ROLE_CALLER"));
                SecurityContextHolder.getContext().setAuthentication(auth);
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * The value of {@code census_authentication} in a raw query string (read by hand, so that no form body is parsed),
     * or null. Census cannot send headers: its URL carries the token, which is why nothing logs the query.
     */
    static String censusToken(String query) {
        if (query == null) {
            return null;
        }
        try {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (CENSUS_PARAMETER.equals(URLDecoder.decode(name, StandardCharsets.UTF_8))) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        } catch (IllegalArgumentException malformed) {
            return "";
        }
        return null;
    }
}
