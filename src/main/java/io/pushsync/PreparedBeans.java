package io.pushsync;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.logging.Log;
import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Decides, before the application context is created, whether a start may use the bean definitions Spring AOT
 * prepared when the jar was built ({@code -Dspring.aot.enabled=true}, as the container image starts it).
 * <p>
 * Those definitions are the outcome of every condition evaluated at build time, with the defaults. The start goes
 * without them where this start's configuration chooses other beans of pushsync ({@link #CHOICES}: the Redis state
 * store, the operator console; {@link #PROFILES}: the {@code sandbox} profile), where a Spring Boot setting that may
 * choose beans is given outside the jar ({@link #bootSettingsSetOutsideTheJar}), or where {@value #KEY} is
 * {@code false}: the configuration classes are then read and their conditions evaluated as in any start of the jar,
 * and the reasons are logged. Every condition of pushsync's own classes is one of these ({@code PreparedBeansTest}
 * checks it).
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
    static List<String> reasonsToStartWithout(ConfigurableEnvironment environment) {
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
        for (String profile : PROFILES) {
            if (environment.matchesProfiles(profile)) {
                reasons.add("profile " + profile);
            }
        }
        bootSettingsSetOutsideTheJar(environment).forEach(name -> reasons.add(name + " (a Spring Boot setting)"));
        return reasons;
    }

    /**
     * Spring Boot settings that may choose beans ({@link #BOOT_SETTINGS}, but for {@link #BOUND_AT_RUNTIME}) given
     * anywhere but the jar's own {@code application.yml}: the environment, the command line, system properties,
     * {@code SPRING_APPLICATION_JSON}, a configuration file such as the Helm chart's, a profile's file. Their
     * conditions were evaluated at build time without them.
     */
    static List<String> bootSettingsSetOutsideTheJar(ConfigurableEnvironment environment) {
        List<String> names = new ArrayList<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            // (Boot's view of all sources together, "configurationProperties", is not an enumerable one)
            if (!(source instanceof EnumerablePropertySource<?> enumerable)
                    || JARS_OWN.stream().anyMatch(source.getName()::contains)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                String key = source instanceof SystemEnvironmentPropertySource
                        ? name.toLowerCase(Locale.ROOT).replace('_', '.') : name.toLowerCase(Locale.ROOT);
                if (BOOT_SETTINGS.stream().anyMatch(key::startsWith)
                        && BOUND_AT_RUNTIME.stream().noneMatch(allowed -> allowed.matcher(key).matches())
                        && !names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The jar's own configuration, which the build read (a profile's file is not: the build runs with none). */
    private static final List<String> JARS_OWN = List.of("class path resource [application.yml]",
            "class path resource [application.yaml]", "class path resource [application.properties]");

    /** Where the auto-configurations pushsync uses read the settings of their conditions. */
    static final List<String> BOOT_SETTINGS = List.of("spring.", "management.", "springdoc.", "server.",
            "resilience4j.");

    /**
     * Settings there that are only bound to beans at runtime, never a condition's (an environment variable's name
     * has dots for its dashes here).
     */
    static final List<Pattern> BOUND_AT_RUNTIME = Stream.of(
            "spring\\.config\\.(additional[.-]location|import)", "spring\\.profiles\\..*", "spring\\.aot\\.enabled",
            "spring\\.application\\.(name|version|pid|json)", "spring\\.context\\.exit", "spring\\.data\\.redis\\..*",
            "spring\\.lifecycle\\..*", "spring\\.output\\..*", "server\\.(port|address|shutdown)",
            "server\\.tomcat\\..*", "resilience4j\\.[a-z-]+\\.(configs|instances)\\..*").map(Pattern::compile).toList();
}
