package io.pushsync.console;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.console.*}: the read-only operator console.
 *
 * @param enabled serve {@code /console} (off: {@code /console} is a 404); on in the {@code sandbox} profile
 * @param username the console's login name
 * @param password the console's password (a Secret; or a Spring Security encoded one such as {@code {bcrypt}...});
 *     no default: the console enabled without one stops the start-up
 */
@ConfigurationProperties("pushsync.console")
public record ConsoleProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("operator") String username,
        String password) {

    public ConsoleProperties {
        if (enabled && (password == null || password.isBlank())) {
            throw new IllegalArgumentException("pushsync.console.enabled is true but pushsync.console.password is "
                    + "not set: give the console a password (env PUSHSYNC_CONSOLE_PASSWORD, e.g. from a Secret), or "
                    + "set pushsync.console.enabled=false");
        }
        if (enabled && (username == null || username.isBlank())) {
            throw new IllegalArgumentException("pushsync.console.username must not be blank");
        }
    }

    /** Never the password. */
    @Override
    public String toString() {
        return "ConsoleProperties[enabled=" + enabled + ", username=" + username + ", password="
                + (password == null ? "null" : "****") + "]";
    }
}
