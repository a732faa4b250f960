package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** {@code chunks-in-flight=1}: the chunks of a batch go strictly one after another, in order. */
@TestPropertySource(properties = {
        "pushsync.xtremepush.chunk-size=2",
        "pushsync.xtremepush.chunks-in-flight=1",
})
class XtremepushSequentialChunksTest extends XtremepushWireMockSupport {

    static final FakeXtremepush VENDOR = new FakeXtremepush();

    @DynamicPropertySource
    static void vendor(DynamicPropertyRegistry registry) {
        registry.add("pushsync.xtremepush.regions.eu.base-url", VENDOR::baseUrl);
    }

    @AfterAll
    static void stopVendor() {
        VENDOR.close();
    }

    @Test
    void oneChunkAtATimeInInputOrder() throws Exception {
        // every first request of a pair waits up to 500ms for a second one, which must not come
        VENDOR.reset(FakeXtremepush.inGroupsOf(2, Duration.ofMillis(500)));

        JsonNode response = postBatch(profiles(profiles(6, "r")));

        assertAllSucceeded(response);
        assertThat(VENDOR.mostInFlight()).isEqualTo(1);
        assertThat(VENDOR.bodies().stream().map(FakeXtremepush::userIds).toList()).containsExactly(
                List.of("u-0", "u-1"), List.of("u-2", "u-3"), List.of("u-4", "u-5"));
    }
}
