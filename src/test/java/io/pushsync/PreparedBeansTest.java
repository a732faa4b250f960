package io.pushsync;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import io.pushsync.state.RedisAutoConfigurationFilter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.mock.env.MockEnvironment;

/**
 * Which starts may use the bean definitions prepared ahead of time, and that every condition of pushsync's own
 * classes is one {@link PreparedBeans} knows (a new one left out would be fixed at its build-time outcome in the
 * image, silently).
 */
class PreparedBeansTest {

    @Test
    void theDefaultsFitThePreparedDefinitions() {
        assertThat(PreparedBeans.reasonsToStartWithout(new MockEnvironment())).isEmpty();
        assertThat(PreparedBeans.reasonsToStartWithout(new MockEnvironment()
                .withProperty("pushsync.state.store", "IN-PROCESS")
                .withProperty("pushsync.console.enabled", "false")
                .withProperty(PreparedBeans.KEY, "true"))).isEmpty();
    }

    @Test
    void anotherStateStoreTheConsoleOrTheSandboxDoNot() {
        assertThat(PreparedBeans.reasonsToStartWithout(new MockEnvironment()
                .withProperty("pushsync.state.store", "redis")))
                .containsExactly("pushsync.state.store=redis");
        assertThat(PreparedBeans.reasonsToStartWithout(new MockEnvironment()
                .withProperty("pushsync.console.enabled", "TRUE")))
                .containsExactly("pushsync.console.enabled=TRUE");
        MockEnvironment sandbox = new MockEnvironment();
        sandbox.setActiveProfiles("json-logs", "sandbox");
        assertThat(PreparedBeans.reasonsToStartWithout(sandbox)).containsExactly("profile sandbox");
        // a value the conditions would not read as the default is not taken for it: the start goes without
        assertThat(PreparedBeans.reasonsToStartWithout(new MockEnvironment()
                .withProperty("pushsync.state.store", "in process")))
                .containsExactly("pushsync.state.store=in process");
    }

    @Test
    void anOperatorCanStartWithoutThem() {
        assertThat(PreparedBeans.reasonsToStartWithout(new MockEnvironment()
                .withProperty(PreparedBeans.KEY, "false")
                .withProperty("pushsync.state.store", "redis")))
                .containsExactly(PreparedBeans.KEY + "=false", "pushsync.state.store=redis");
    }

    @Test
    void springBootSettingsThatMayChooseBeansGivenOutsideTheJarDoNot() {
        MockEnvironment environment = new MockEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        // what the image and the Helm chart give: bound at runtime, or no Spring Boot setting at all
        Map<String, Object> env = Map.of("SERVER_PORT", "8080", "SPRING_DATA_REDIS_HOST", "redis",
                "SPRING_CONFIG_ADDITIONAL_LOCATION", "optional:file:/config/", "PUSHSYNC_API_TOKENS", "t",
                "JAVA_TOOL_OPTIONS", "-Xmx1g", "PATH", "/usr/bin",
                "RESILIENCE4J_RATELIMITER_CONFIGS_XTREMEPUSH_LIMIT_FOR_PERIOD", "10");
        sources.addLast(new SystemEnvironmentPropertySource("systemEnvironment", env));
        Map<String, Object> system = Map.of("spring.aot.enabled", "true", "spring.context.exit", "onRefresh",
                "java.home", "/opt/java");
        sources.addLast(new MapPropertySource("systemProperties", system));
        // what Spring Boot adds itself
        Map<String, Object> info = Map.of("spring.application.version", "0.1.0", "spring.application.pid", "1");
        sources.addLast(new MapPropertySource("applicationInfo", info));
        // the jar's own application.yml sets management.*: the build saw it
        Map<String, Object> jar = Map.of("management.endpoints.web.exposure.include", "health");
        sources.addLast(new MapPropertySource("Config resource 'class path resource [application.yml]' via "
                + "location 'optional:classpath:/'", jar));
        assertThat(PreparedBeans.reasonsToStartWithout(environment)).isEmpty();

        sources.addFirst(new SimpleCommandLinePropertySource("--springdoc.api-docs.enabled=false"));
        Map<String, Object> moreEnv = Map.of("MANAGEMENT_SERVER_PORT", "9090");
        sources.addLast(new SystemEnvironmentPropertySource("systemEnvironment-2", moreEnv));
        Map<String, Object> chart = Map.of("server.forward-headers-strategy", "framework",
                "resilience4j.circuitbreaker.metrics.enabled", "false",
                "resilience4j.retry.configs.xtremepush.max-attempts", "3");
        sources.addLast(new MapPropertySource("Config resource 'file [/config/application.yaml]' via location "
                + "'optional:file:/config/'", chart));
        // a profile's file in the jar: the build ran without the profile, so it did not read it
        Map<String, Object> profileFile = Map.of("spring.application.admin.enabled", "true");
        sources.addLast(new MapPropertySource("Config resource 'class path resource [application-ops.yml]' via "
                + "location 'optional:classpath:/'", profileFile));
        Map<String, Object> elsewhere = Map.of("spring.config.location", "file:/elsewhere/");
        sources.addLast(new MapPropertySource("spring.application.json", elsewhere));
        assertThat(PreparedBeans.reasonsToStartWithout(environment)).containsExactlyInAnyOrder(
                "springdoc.api-docs.enabled (a Spring Boot setting)",
                "MANAGEMENT_SERVER_PORT (a Spring Boot setting)",
                "server.forward-headers-strategy (a Spring Boot setting)",
                "resilience4j.circuitbreaker.metrics.enabled (a Spring Boot setting)",
                "spring.application.admin.enabled (a Spring Boot setting)",
                "spring.config.location (a Spring Boot setting)");
    }

    @Test
    void onlyAStartWithThePreparedDefinitionsIsTurnedAwayFromThem() {
        PreparedBeans check = new PreparedBeans(new DeferredLogs());
        try {
            SpringProperties.setProperty(AotDetector.AOT_ENABLED, "true");
            check.postProcessEnvironment(new MockEnvironment(), new SpringApplication());
            assertThat(AotDetector.useGeneratedArtifacts()).as("the defaults keep them").isTrue();
            check.postProcessEnvironment(new MockEnvironment().withProperty("pushsync.state.store", "redis"),
                    new SpringApplication());
            assertThat(AotDetector.useGeneratedArtifacts()).as("the Redis store turns them off").isFalse();

            SpringProperties.setProperty(AotDetector.AOT_ENABLED, null);
            check.postProcessEnvironment(new MockEnvironment().withProperty("pushsync.state.store", "redis"),
                    new SpringApplication());
            assertThat(SpringProperties.getProperty(AotDetector.AOT_ENABLED)).as("a start without them: untouched")
                    .isNull();
        } finally {
            SpringProperties.setProperty(AotDetector.AOT_ENABLED, null);
        }
    }

    @Test
    void everyConditionOfPushsyncsOwnClassesIsOneItKnows() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pushsync");
        List<String> keys = PreparedBeans.CHOICES.stream().map(PreparedBeans.Choice::key).toList();
        List<String> found = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (JavaClass type : classes) {
            Stream.concat(type.getAnnotations().stream(),
                    type.getMethods().stream().flatMap(m -> m.getAnnotations().stream()))
                    .filter(PreparedBeansTest::isCondition)
                    .forEach(annotation -> {
                        List<String> names = namesOf(annotation);
                        found.addAll(names);
                        names.stream().filter(n -> !keys.contains(n) && !PreparedBeans.PROFILES.contains(n))
                                .map(n -> type.getName() + ": " + n).forEach(unknown::add);
                    });
        }
        // other ways of choosing beans at start, which PreparedBeans cannot see (the Redis filter is a choice of
        // pushsync.state.store, which it checks)
        List<Class<?>> choosers = List.of(Condition.class, ImportSelector.class, ImportBeanDefinitionRegistrar.class,
                BeanDefinitionRegistryPostProcessor.class, AutoConfigurationImportFilter.class);
        for (JavaClass type : classes) {
            choosers.stream().filter(type::isAssignableTo)
                    .filter(chooser -> !type.isEquivalentTo(RedisAutoConfigurationFilter.class))
                    .map(chooser -> type.getName() + ": a " + chooser.getSimpleName()).forEach(unknown::add);
        }
        assertThat(unknown).as("conditions PreparedBeans does not know").isEmpty();
        // the scan sees the conditions there are (the state store, the console, the sandbox)
        assertThat(found).contains("pushsync.state.store", "pushsync.console.enabled", "sandbox");
    }

    private static boolean isCondition(JavaAnnotation<?> annotation) {
        // the annotation's own class, loaded (ArchUnit imports only pushsync's classes, not their annotations')
        Class<?> type = annotation.getRawType().reflect();
        return type == Conditional.class || AnnotationUtils.findAnnotation(type, Conditional.class) != null;
    }

    /** The property keys or profiles a condition reads; a condition of another kind names itself (unknown). */
    private static List<String> namesOf(JavaAnnotation<?> annotation) {
        if (annotation.getRawType().isEquivalentTo(ConditionalOnProperty.class)) {
            ConditionalOnProperty condition = (ConditionalOnProperty) annotation.as(ConditionalOnProperty.class);
            String prefix = condition.prefix().isEmpty() ? "" : condition.prefix() + ".";
            return Stream.concat(Arrays.stream(condition.name()), Arrays.stream(condition.value()))
                    .map(n -> prefix + n).toList();
        }
        if (annotation.getRawType().isEquivalentTo(Profile.class)) {
            return Arrays.stream(((Profile) annotation.as(Profile.class)).value()).toList();
        }
        return List.of("@" + annotation.getRawType().getSimpleName());
    }
}
