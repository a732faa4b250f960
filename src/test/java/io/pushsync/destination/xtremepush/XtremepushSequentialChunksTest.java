package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** {@code chunks-in-flight=1}: the chunks of a batch go strictly one after another, in order. */
@TestPropertySource(properties = {
        "pushsync.xtremepush.chunk-size=2",
        "pushsync.xtremepush.chunks-in-flight=1",
})
class XtremepushSequentialChunksTest extends FakeXtremepushSupport {

    @Test
    void oneChunkAtATimeInInputOrder() throws Exception {
        // every request is held 500ms, in which a second chunk beside it would come
        List<List<String>> chunks = postAllSucceeding(FakeXtremepush.holding(1, Duration.ofMillis(500)),
                profiles(profiles(6, "r")));

        assertThat(VENDOR.mostInFlight()).isEqualTo(1);
        assertThat(chunks).containsExactly(List.of("u-0", "u-1"), List.of("u-2", "u-3"), List.of("u-4", "u-5"));
    }
}
