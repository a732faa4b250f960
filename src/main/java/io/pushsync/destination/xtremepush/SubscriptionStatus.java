package io.pushsync.destination.xtremepush;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Subscription values to Xtremepush's {@code 1}/{@code 0}. Accepted: {@code true/false}, {@code 1/0},
 * {@code "1"/"0"}, {@code "true"/"false"}, {@code "yes"/"no"}, {@code "opted_in"/"opted_out"} (strings trimmed,
 * any case).
 */
final class SubscriptionStatus {

    private static final Set<String> YES = Set.of("1", "true", "yes", "opted_in");
    private static final Set<String> NO = Set.of("0", "false", "no", "opted_out");

    private SubscriptionStatus() {
    }

    /** The two answers, made once: this runs for two fields of every row. */
    private static final Optional<Integer> SUBSCRIBED = Optional.of(1);
    private static final Optional<Integer> UNSUBSCRIBED = Optional.of(0);

    static Optional<Integer> parse(JsonNode value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? SUBSCRIBED : UNSUBSCRIBED;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            long n = value.longValue();
            return n == 1 ? SUBSCRIBED : n == 0 ? UNSUBSCRIBED : Optional.empty();
        }
        if (value.isString()) {
            String s = value.stringValue().trim().toLowerCase(Locale.ROOT);
            if (YES.contains(s)) {
                return SUBSCRIBED;
            }
            if (NO.contains(s)) {
                return UNSUBSCRIBED;
            }
        }
        return Optional.empty();
    }
}
