package io.pushsync.sync.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "abcde"})
    void textUpToTheLimitIsKeptAsItIs(String s) {
        assertThat(Text.clip(s, 5)).isSameAs(s);
    }

    @Test
    void longerTextKeepsItsFirstCharactersAndEndsWithAnEllipsis() {
        assertThat(Text.clip("abcdef", 5)).isEqualTo("abcde...");
        assertThat(Text.clip("abcdef", 0)).isEqualTo("...");
    }

    @Test
    void aQuotedValueIsAtMost64Characters() {
        String exactly = "x".repeat(64);
        assertThat(Text.clip(exactly)).isSameAs(exactly);
        assertThat(Text.clip(exactly + "y")).isEqualTo(exactly + "...");
    }

    @Test
    void lengthsCountUtf16UnitsAsStringLengthDoes() {
        String smiley = "\uD83D\uDE00"; // one code point, two chars
        assertThat(Text.clip("a" + smiley, 3)).isEqualTo("a" + smiley);
        // a cut between the two halves of the pair is made before the pair: never half a character
        assertThat(Text.clip("a" + smiley + "b", 2)).isEqualTo("a...");
        assertThat(Text.clip(smiley + "b", 1)).isEqualTo("...");
        assertThat(Text.clip("a" + smiley + "b", 3)).isEqualTo("a" + smiley + "...");
    }

    @Test
    void nullIsNotText() {
        assertThatNullPointerException().isThrownBy(() -> Text.clip(null, 5));
    }
}
