package io.pushsync;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.catalog.DestinationDescriptor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The application starts with its default configuration and registers every destination. */
@SpringBootTest
class PushsyncApplicationTests {

    @Autowired
    DestinationRegistry registry;

    @Test
    void bothDestinationsAreRegistered() {
        assertThat(registry.catalog()).extracting(DestinationDescriptor::type)
                .containsExactly("cleverpush", "xtremepush");
    }
}
