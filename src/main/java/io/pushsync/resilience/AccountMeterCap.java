package io.pushsync.resilience;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.HashSet;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Caps the series of Resilience4j's own meters ({@code resilience4j_*}, one set per instance, tagged {@code name}):
 * instances are per vendor account, so without a cap the series would grow with the accounts a replica talks to
 * (up to {@code pushsync.resilience.max-accounts}). The first {@code pushsync.resilience.max-account-meters}
 * accounts held at once get their meters; the meters of further accounts are not registered (Micrometer hands out
 * no-op meters). An account that leaves the registries ({@link VendorResilience}) frees its place for the next new
 * one. The per-vendor aggregates ({@link AccountGauges}) count every account, whatever the cap.
 */
@Component
public class AccountMeterCap implements MeterFilter {

    private static final String PREFIX = "resilience4j.";

    private final int max;
    private final Set<String> admitted = new HashSet<>();

    public AccountMeterCap(ResilienceProperties properties) {
        this.max = properties.maxAccountMeters();
    }

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        String name = id.getName().startsWith(PREFIX) ? id.getTag("name") : null;
        if (name == null) {
            return MeterFilterReply.NEUTRAL;
        }
        synchronized (admitted) {
            if (admitted.contains(name) || (admitted.size() < max && admitted.add(name))) {
                return MeterFilterReply.NEUTRAL;
            }
        }
        return MeterFilterReply.DENY;
    }

    /** The account left the registries (its meters with it): its place goes to the next new account. */
    void release(String accountName) {
        synchronized (admitted) {
            admitted.remove(accountName);
        }
    }

    /** Accounts whose meters are registered. */
    int admitted() {
        synchronized (admitted) {
            return admitted.size();
        }
    }
}
