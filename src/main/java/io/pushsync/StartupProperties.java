package io.pushsync;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.startup.*}, read by {@link PreparedBeans} before the application context exists.
 *
 * @param aheadOfTime in a JVM started with {@code -Dspring.aot.enabled=true} (the container image), use the bean
 *     definitions Spring AOT prepared when the jar was built wherever this start's configuration fits them;
 *     {@code false} starts without them (the configuration classes read and their conditions evaluated at start, as
 *     for Spring Boot settings that choose beans, e.g. {@code management.server.port})
 */
@ConfigurationProperties("pushsync.startup")
public record StartupProperties(@DefaultValue("true") boolean aheadOfTime) {
}
