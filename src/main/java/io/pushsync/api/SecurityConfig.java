package io.pushsync.api;

import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * {@code /v1/**} needs a caller token; health, info, metrics and the API docs are open (probes and scrapers carry
 * no token). The sandbox simulators are open in the {@code sandbox} profile only.
 */
@Configuration
public class SecurityConfig {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiTokenProperties tokens, Environment environment)
            throws Exception {
        boolean sandbox = environment.acceptsProfiles(Profiles.of("sandbox"));
        http.csrf(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> {
                    a.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info",
                            "/actuator/prometheus", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html",
                            "/swagger-ui/**", "/error").permitAll();
                    if (sandbox) {
                        a.requestMatchers("/sandbox/**").permitAll();
                    }
                    a.anyRequest().authenticated();
                })
                .addFilterBefore(new ApiTokenAuthenticationFilter(tokens.apiTokens()), AuthorizationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> {
                    boolean census = request.getRequestURI().startsWith(ApiTokenAuthenticationFilter.CENSUS_PATH);
                    boolean presented = request.getHeader(HttpHeaders.AUTHORIZATION) != null
                            || (census && ApiTokenAuthenticationFilter.censusToken(request.getQueryString()) != null);
                    // never the URL or the query: on /census/** it holds the token
                    String detail = tokens.apiTokens().isEmpty()
                            ? "no caller tokens are configured (pushsync.api-tokens): every call is refused"
                            : census ? (presented ? "the census_authentication token (or bearer token) is not valid"
                                    : "a census_authentication query parameter or an 'Authorization: Bearer <token>'"
                                            + " header is required")
                            : presented ? "the bearer token is not valid"
                            : "an 'Authorization: Bearer <token>' header is required";
                    writeProblem(response, detail);
                }));
        return http.build();
    }

    /**
     * The firewall's rejections (StrictHttpFirewall: {@code //}, {@code ;}, an encoded {@code /} or {@code ..}, a
     * non-printable header, ...) are a 400 Problem Details, written here: never the container's error page. The
     * detail names no part of the request (a rejected header value may be a token).
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, ex) -> {
            if (response.isCommitted()) {
                return;
            }
            response.reset();
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write("{\"type\":\"" + ProblemTypes.REQUEST_REJECTED + "\",\"title\":\"Request "
                    + "rejected\",\"status\":400,\"detail\":\"the request's URL or headers are not allowed (e.g. "
                    + "'//', ';', an encoded '/' or '..', or a non-printable character): send a normalized URL\"}");
        };
    }

    private static void writeProblem(HttpServletResponse response, String detail) throws java.io.IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"type\":\"" + ProblemTypes.UNAUTHORIZED + "\",\"title\":\"Unauthorized\","
                + "\"status\":401,\"detail\":\"" + detail + "\"}");
    }
}
