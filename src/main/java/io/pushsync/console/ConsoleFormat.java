package io.pushsync.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Formatting for the console's templates ({@code ${@consoleFormat.when(...)}}). */
@Component
@ConditionalOnProperty(name = "pushsync.console.enabled", havingValue = "true")
public class ConsoleFormat {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    public String when(Instant at) {
        return at == null ? "—" : WHEN.format(at);
    }

    public String iso(Instant at) {
        return at == null ? "" : at.toString();
    }

    public String millis(Long ms) {
        return ms == null ? "—" : ms < 1000 ? ms + " ms" : duration(Duration.ofMillis(ms));
    }

    public String seconds(Long s) {
        return s == null ? "—" : duration(Duration.ofSeconds(s));
    }

    public String rate(double perSecond) {
        return perSecond >= 10 || perSecond == Math.rint(perSecond) ? String.valueOf(Math.round(perSecond))
                : String.format(java.util.Locale.ROOT, "%.1f", perSecond);
    }

    /** {@code 24h}, {@code 1h 30m}, {@code 2m 5s}, {@code 3.2s}. */
    public static String duration(Duration d) {
        long s = d.getSeconds();
        if (s < 60) {
            return d.toMillis() % 1000 == 0 ? s + "s" : String.format(java.util.Locale.ROOT, "%.1fs",
                    d.toMillis() / 1000.0);
        }
        StringBuilder out = new StringBuilder();
        long days = s < 172_800 ? 0 : s / 86400, hours = (s - days * 86400) / 3600, minutes = s % 3600 / 60, seconds = s % 60;
        if (days > 0) {
            out.append(days).append("d ");
        }
        if (hours > 0) {
            out.append(hours).append("h ");
        }
        if (minutes > 0) {
            out.append(minutes).append("m ");
        }
        if (seconds > 0 && days == 0) {
            out.append(seconds).append("s");
        }
        return out.toString().trim();
    }
}
