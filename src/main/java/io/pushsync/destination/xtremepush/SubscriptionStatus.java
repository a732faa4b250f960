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

    static Optional<Integer> parse(JsonNode value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBoolean()) {
            return Optional.of(value.booleanValue() ? 1 : 0);
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            long n = value.longValue();
            return n == 1 ? Optional.of(1) : n == 0 ? Optional.of(0) : Optional.empty();
        }
        if (value.isString()) {
            String s = value.stringValue().trim().toLowerCase(Locale.ROOT);
            if (YES.contains(s)) {
                return Optional.of(1);
            }
            if (NO.contains(s)) {
                return Optional.of(0);
            }
        }
        return Optional.empty();
    }
}
