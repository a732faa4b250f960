package io.pushsync.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The vendor accounts this replica talks to, as its resilience layer sees them: circuit state, the adaptive rate
 * against the configured one, recent 429s. An account is named by a digest of its credential, never the credential.
 */
public interface VendorAccounts {

    /**
     * @param account {@code <vendor>-<digest>}: a short SHA-256 digest of the credential
     * @param circuit {@code closed}, {@code open}, {@code half_open}, ... (lower case)
     * @param limitForPeriod requests allowed per {@code refreshPeriod} now (halved by a 429, climbing back after)
     * @param configuredLimitForPeriod requests allowed per {@code refreshPeriod} as configured
     * @param recent429s 429 answers within the last {@link #recentWindow()}
     * @param last429 the last 429, or null
     */
    record Account(String account, String vendor, String circuit, int limitForPeriod, int configuredLimitForPeriod,
            Duration refreshPeriod, double requestsPerSecond, double configuredRequestsPerSecond, int recent429s,
            Instant last429) {
    }

    /** The accounts this replica holds resilience instances for, by name. */
    List<Account> accounts();

    /** The window {@link Account#recent429s()} counts over. */
    Duration recentWindow();
}
