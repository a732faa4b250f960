package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/** {@code pushsync.xtremepush.max-chunk-bytes}: its default and the values refused. */
class XtremepushPropertiesTest {

    private static XtremepushProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("pushsync.xtremepush", XtremepushProperties.class);
    }

    @Test
    void theDefaultIsFourMegabytes() {
        assertThat(bind(Map.of()).maxChunkBytes()).isEqualTo(DataSize.ofMegabytes(4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1KB", "2KB", "64KB", "512MB"})
    void aBoundFromOneKilobyteToHalfAGigabyteIsTaken(String value) {
        assertThat(bind(Map.of("pushsync.xtremepush.max-chunk-bytes", value)).maxChunkBytes())
                .isEqualTo(DataSize.parse(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1023B", "513MB", "2GB"})
    void aNonsensicalBoundIsRefusedNamingTheKey(String value) {
        assertThatThrownBy(() -> bind(Map.of("pushsync.xtremepush.max-chunk-bytes", value)))
                .rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pushsync.xtremepush.max-chunk-bytes must be 1KB..512MB");
    }
}
