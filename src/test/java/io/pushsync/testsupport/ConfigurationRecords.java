package io.pushsync.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * pushsync's {@code @ConfigurationProperties} records, bound the way Spring Boot binds them (relaxed names, Boot's
 * conversions of durations and data sizes, {@code @DefaultValue}s, the records' compact constructors) from the given
 * properties alone: no {@code application.yml}, no environment. {@code ${...}} placeholders resolve against the
 * system properties (as {@code ${java.io.tmpdir}} does in the application).
 */
public final class ConfigurationRecords {

    /** Every record of {@code io.pushsync} annotated {@code @ConfigurationProperties}, found on the class path. */
    public static final List<Class<?>> ALL = scan();

    private ConfigurationRecords() {
    }

    /** {@code type} bound from no configuration at all: its defaults. */
    public static <T> T defaults(Class<T> type) {
        return bind(type, Map.of());
    }

    /** {@code type} bound from {@code properties} (flat keys, e.g. {@code pushsync.batch.max-rows}) alone. */
    public static <T> T bind(Class<T> type, Map<String, ?> properties) {
        return bind(type, properties, BindHandler.DEFAULT);
    }

    /** The prefix {@code type} binds, e.g. {@code pushsync.batch}. */
    public static String prefix(Class<?> type) {
        ConfigurationProperties annotation = MergedAnnotations.from(type).get(ConfigurationProperties.class)
                .synthesize();
        return annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
    }

    /**
     * The keys among {@code properties} that some record binds (as given, not in canonical form). A key no record
     * reads (a typo, a key of another library) is left out.
     */
    public static Set<String> boundKeys(Map<String, ?> properties) {
        Set<ConfigurationPropertyName> bound = new LinkedHashSet<>();
        BindHandler recorder = new AbstractBindHandler() {
            @Override
            public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                    Object result) {
                if (context.getConfigurationProperty() != null) {
                    bound.add(context.getConfigurationProperty().getName());
                }
                return result;
            }
        };
        for (Class<?> type : ALL) {
            bind(type, properties, recorder);
        }
        Set<String> keys = new LinkedHashSet<>();
        properties.keySet().stream().filter(key -> bound.contains(ConfigurationPropertyName.of(key)))
                .forEach(keys::add);
        return keys;
    }

    private static <T> T bind(Class<T> type, Map<String, ?> properties, BindHandler handler) {
        Map<String, Object> values = new LinkedHashMap<>(properties);
        Binder binder = new Binder(List.of(new MapConfigurationPropertySource(values)),
                new PropertySourcesPlaceholdersResolver(
                        List.of(new PropertiesPropertySource("system", System.getProperties()))),
                ApplicationConversionService.getSharedInstance());
        return binder.bindOrCreate(prefix(type), Bindable.of(type), handler);
    }

    private static List<Class<?>> scan() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<Class<?>> records = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.pushsync")) {
            Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(),
                    ConfigurationRecords.class.getClassLoader());
            if (type.isRecord()) {
                records.add(type);
            }
        }
        records.sort(java.util.Comparator.comparing(Class::getName));
        return List.copyOf(records);
    }
}
