package io.pushsync.sync.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every connection value is bounded; a secret is bounded visible ASCII even when its field declares no pattern. */
class ConnectionFieldBoundsTest {

    private static final String HUGE = "HUGE-" + "q7Zx".repeat(10 * 1024 * 1024 / 4);

    @Test
    @Timeout(5)
    void aSecretFieldWithoutAPatternIsBoundedVisibleAscii() {
        ConnectionField f = new ConnectionField("appToken", "App token", true, false, List.of());
        assertThat(f.problem("T".repeat(512))).isNull();
        assertThat(f.problem("T".repeat(513))).isEqualTo("must match [\\x21-\\x7E]{1,512}");
        assertThat(f.problem(HUGE)).isEqualTo("must match [\\x21-\\x7E]{1,512}");
        assertThat(f.problem("abc def")).isEqualTo("must match [\\x21-\\x7E]{1,512}");
        assertThat(f.problem("abc\u0000def")).isNotNull();
        assertThat(f.problem("abcdéf")).isNotNull();
    }

    @Test
    void theSecretFactoryDeclaresTheRuleInTheCatalog() {
        assertThat(ConnectionField.secret("key", "Key").pattern()).isEqualTo("[\\x21-\\x7E]{1,512}");
    }

    @Test
    @Timeout(5)
    void anyValueIsBounded() {
        ConnectionField plain = new ConnectionField("account", "Account", false, true, List.of());
        assertThat(plain.problem("a".repeat(4096))).isNull();
        assertThat(plain.problem("a".repeat(4097))).isEqualTo("must be at most 4096 characters");
        ConnectionField pattern = ConnectionField.matching("channelId", "Channel", "[A-Za-z0-9_-]{1,128}");
        assertThat(pattern.problem(HUGE)).isEqualTo("must match [A-Za-z0-9_-]{1,128}");
        assertThat(ConnectionField.plain("region", "Region", List.of("eu", "us")).problem(HUGE))
                .isEqualTo("must be one of [eu, us]");
    }
}
