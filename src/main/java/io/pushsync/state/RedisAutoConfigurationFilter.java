package io.pushsync.state;

import java.util.Locale;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Leaves Spring Boot's Redis auto-configuration out unless {@value StateProperties#KEY} is {@code redis}: with the
 * in-process store nothing uses Redis, and its client beans (Lettuce's client resources, event loops, templates)
 * would only lengthen the start. Registered in {@code META-INF/spring.factories}, so the choice is made before any
 * auto-configuration class is read.
 */
public final class RedisAutoConfigurationFilter implements AutoConfigurationImportFilter, EnvironmentAware {

    static final String REDIS_AUTO_CONFIGURATION = "org.springframework.boot.data.redis.autoconfigure.";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean redis = redisChosen();
        boolean[] matches = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < autoConfigurationClasses.length; i++) {
            String name = autoConfigurationClasses[i];
            matches[i] = redis || name == null || !name.startsWith(REDIS_AUTO_CONFIGURATION);
        }
        return matches;
    }

    private boolean redisChosen() {
        String store = environment == null ? null : environment.getProperty(StateProperties.KEY);
        return store != null && StateProperties.REDIS.equals(store.trim().toLowerCase(Locale.ROOT));
    }
}
