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
import org.junit.jupiter.api.Test;
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
        assertThat(unknown).as("conditions PreparedBeans does not know").isEmpty();
        // the scan sees the conditions there are (the state store, the console, the sandbox)
        assertThat(found).contains("pushsync.state.store", "pushsync.console.enabled", "sandbox");
    }

    private static boolean isCondition(JavaAnnotation<?> annotation) {
        // the annotation's own class, loaded (ArchUnit imports only pushsync's classes, not their annotations')
        return AnnotationUtils.findAnnotation(annotation.getRawType().reflect(), Conditional.class) != null;
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
