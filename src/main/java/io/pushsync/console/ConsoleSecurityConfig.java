package io.pushsync.console;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The console's own filter chain for {@code /console/**}, ahead of the {@code /v1} caller-token chain (which stays
 * stateless and unchanged): a form login against {@code pushsync.console.username}/{@code .password} (never a vendor
 * credential, never a caller token), a session cookie, CSRF on every POST, a strict Content-Security-Policy (no
 * inline script or style). With the console off, {@code /console/**} is open and nothing serves it: 404.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurityConfig {

    static final String ROLE = "CONSOLE";

    @Bean
    @Order(1)
    SecurityFilterChain consoleSecurity(HttpSecurity http, ConsoleProperties console) throws Exception {
        http.securityMatcher("/console", "/console/**")
                .httpBasic(b -> b.disable())
                .requestCache(r -> r.disable());
        if (!console.enabled()) {
            return http.csrf(c -> c.disable())
                    .formLogin(f -> f.disable())
                    .logout(l -> l.disable())
                    .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .build();
        }
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        String password = console.password().startsWith("{") ? console.password() : encoder.encode(console.password());
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(new InMemoryUserDetailsManager(
                User.withUsername(console.username()).password(password).roles(ROLE).build()));
        provider.setPasswordEncoder(encoder);
        http.authenticationManager(new ProviderManager(provider))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/console/login", "/console/assets/**").permitAll()
                        .anyRequest().hasRole(ROLE))
                .formLogin(f -> f.loginPage("/console/login").loginProcessingUrl("/console/login")
                        .defaultSuccessUrl("/console", true).failureUrl("/console/login?error").permitAll())
                .logout(l -> l.logoutUrl("/console/logout").logoutSuccessUrl("/console/login?logout"))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED)
                        .sessionFixation(f -> f.changeSessionId()))
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives("default-src 'self'; "
                        + "script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                        + "frame-ancestors 'none'; base-uri 'none'")));
        return http.build();
    }
}
