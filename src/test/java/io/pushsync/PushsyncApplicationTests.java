package io.pushsync;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.testsupport.ConfigurationRecords;
import io.pushsync.sync.snapshots.SnapshotProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/**
 * The application starts with its default configuration and registers every destination; its configuration records
 * are their own defaults (application.yml changes none of them).
 */
@SpringBootTest
class PushsyncApplicationTests {

    @Autowired
    DestinationRegistry registry;

    @Autowired
    ApplicationContext context;

    @Test
    void theInProcessStoreStartsNoRedisClient() {
        // RedisAutoConfigurationFilter leaves Spring Boot's Redis auto-configuration out unless the store is redis
        assertThat(context.getBeanNamesForType(org.springframework.data.redis.connection.RedisConnectionFactory.class))
                .isEmpty();
        assertThat(context.getBeanNamesForType(org.springframework.data.redis.core.StringRedisTemplate.class)).isEmpty();
    }

    @Test
    void bothDestinationsAreRegistered() {
        assertThat(registry.catalog()).extracting(DestinationDescriptor::type)
                .containsExactly("cleverpush", "xtremepush");
    }

    @Test
    void theConfigurationRecordsInForceAreTheirDefaults() {
        for (Class<?> type : ConfigurationRecords.ALL) {
            if (type.getPackageName().startsWith("io.pushsync.sandbox")) {
                continue; // the simulators' settings exist in the sandbox profile only
            }
            Object inForce = context.getBean(type);
            if (inForce instanceof SnapshotProperties snapshots) {
                // the tests' application.properties gives each context a snapshot directory of its own
                inForce = new SnapshotProperties(null, snapshots.leaseTtl());
            }
            assertThat(inForce).as(type.getSimpleName()).isEqualTo(ConfigurationRecords.defaults(type));
        }
    }
}
