package io.pushsync.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

    /** Sun, 06 Nov 1994 08:49:37 GMT, the example date of RFC 9110. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("1994-11-06T08:49:37Z"), ZoneOffset.UTC);

    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1}s")
    @CsvSource(delimiter = '|', textBlock = """
            0        | 0
            1        | 1
            7        | 7
            120      | 120
            ' 30 '   | 30
            007      | 7
            86400    | 86400
            """)
    void delaySeconds(String header, long seconds) {
        assertThat(RetryAfter.parse(header, CLOCK)).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1}s")
    @CsvSource(delimiter = '|', textBlock = """
            Sun, 06 Nov 1994 08:49:37 GMT  | 0
            Sun, 06 Nov 1994 08:49:47 GMT  | 10
            Sun, 06 Nov 1994 08:51:37 GMT  | 120
            Mon, 07 Nov 1994 08:49:37 GMT  | 86400
            ' Sun, 06 Nov 1994 09:49:37 GMT ' | 3600
            Sun, 06 Nov 1994 09:49:37 +0100 | 0
            Sun, 06 Nov 1994 10:49:37 +0100 | 3600
            """)
    void httpDateRelativeToTheClock(String header, long seconds) {
        assertThat(RetryAfter.parse(header, CLOCK)).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' is in the past")
    @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:36 GMT", "Sat, 05 Nov 1994 08:49:37 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT"})
    void pastDateMeansNoWait(String header) {
        assertThat(RetryAfter.parse(header, CLOCK)).contains(Duration.ZERO);
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' is ignored")
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "soon", "-5", "1.5", "5s", "+5", "1994-11-06T08:49:47Z",
            "Sunday, 06-Nov-94 08:49:47 GMT", "Sun, 06 Nov 1994", "99999999999999999999999"})
    void garbageOrBlankIsEmpty(String header) {
        assertThat(RetryAfter.parse(header, CLOCK)).isEmpty();
    }

    @Test
    void theSameDateIsFurtherAwayFromAnEarlierClock() {
        Clock earlier = Clock.offset(CLOCK, Duration.ofMinutes(-1));
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", earlier)).contains(Duration.ofMinutes(1));
    }
}
