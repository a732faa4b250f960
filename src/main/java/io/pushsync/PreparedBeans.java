package io.pushsync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.logging.Log;
import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Decides, before the application context is created, whether a start may use the bean definitions Spring AOT
 * prepared when the jar was built ({@code -Dspring.aot.enabled=true}, as the container image starts it).
 * <p>
 * Those definitions are the outcome of every condition evaluated at build time, with the defaults. Where this start's
 * configuration chooses other beans ({@link #CHOICES}: the Redis state store, the operator console, the
 * {@code sandbox} profile) or {@value #KEY} is {@code false}, the start goes without them: the configuration classes
 * are read and their conditions evaluated as in any start of the jar, and the reason is logged. Every
 * {@code @ConditionalOnProperty} and {@code @Profile} of pushsync's own classes has its key here
 * ({@code PreparedBeansTest} checks it).
 */
public final class PreparedBeans implements EnvironmentPostProcessor, Ordered {

    /** {@code false}: start without the prepared definitions, where nothing else asks for it too. */
    public static final String KEY = "pushsync.startup.ahead-of-time";

    /** A property whose value chooses beans, and the value the build chose them for. */
    record Choice(String key, String builtFor) {
        boolean differs(Environment environment) {
            String value = environment.getProperty(key, builtFor);
            return !builtFor.equalsIgnoreCase(value);
        }
    }

    /** The properties pushsync's conditions read, with the values the build runs with (the defaults). */
    static final List<Choice> CHOICES = List.of(
            new Choice("pushsync.state.store", "in-process"),
            new Choice("pushsync.console.enabled", "false"));

    /** The profiles pushsync's beans are chosen by; the build runs with none. */
    static final List<String> PROFILES = List.of("sandbox");

    private final Log log;

    public PreparedBeans(DeferredLogFactory logs) {
        this.log = logs.getLog(PreparedBeans.class);
    }

    @Override
    public int getOrder() {
        // after the config data (application.yml, profiles) is read
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!AotDetector.useGeneratedArtifacts()) {
            return;
        }
        List<String> reasons = reasonsToStartWithout(environment);
        if (reasons.isEmpty()) {
            return;
        }
        SpringProperties.setProperty(AotDetector.AOT_ENABLED, "false");
        log.info("Starting without the bean definitions prepared ahead of time (they are for the defaults): "
                + String.join(", ", reasons));
    }

    /** What in this configuration the prepared definitions do not fit; empty when they fit. */
    static List<String> reasonsToStartWithout(Environment environment) {
        List<String> reasons = new ArrayList<>();
        StartupProperties startup = Binder.get(environment).bindOrCreate("pushsync.startup", StartupProperties.class);
        if (!startup.aheadOfTime()) {
            reasons.add(KEY + "=false");
        }
        for (Choice choice : CHOICES) {
            if (choice.differs(environment)) {
                reasons.add(choice.key() + "=" + environment.getProperty(choice.key()));
            }
        }
        List<String> active = Arrays.stream(environment.getActiveProfiles())
                .map(p -> p.trim().toLowerCase(Locale.ROOT)).toList();
        for (String profile : PROFILES) {
            if (active.contains(profile)) {
                reasons.add("profile " + profile);
            }
        }
        return reasons;
    }
}
