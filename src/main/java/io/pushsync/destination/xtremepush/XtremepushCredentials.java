package io.pushsync.destination.xtremepush;

import io.pushsync.resilience.VendorResilience;
import io.pushsync.sync.Connection;
import io.pushsync.sync.Secret;
import java.util.List;

/**
 * The two kinds of Xtremepush credentials: an App Token (projects created before the June 2026 release), or an
 * OAuth 2.0 client id and secret (projects created since), exchanged for access tokens by {@link XtremepushTokens}.
 * The catalog makes a connection give exactly one kind.
 */
sealed interface XtremepushCredentials {

    /**
     * The account's name: its rate limiter, circuit breaker and chunk lane are keyed by it (a digest, never the
     * credential).
     */
    String account();

    /** Every credential value of this kind: redacted from vendor messages. */
    List<Secret> secrets();

    record AppToken(Secret token) implements XtremepushCredentials {
        @Override
        public String account() {
            return VendorResilience.accountName(XtremepushClient.VENDOR, token.reveal());
        }

        @Override
        public List<Secret> secrets() {
            return List.of(token);
        }
    }

    /** OAuth 2.0 client credentials; the account is the client id (a project's calls share its limits). */
    record Client(String clientId, Secret clientSecret) implements XtremepushCredentials {
        @Override
        public String account() {
            return VendorResilience.accountName(XtremepushClient.VENDOR, "oauth-client\0" + clientId);
        }

        @Override
        public List<Secret> secrets() {
            return List.of(clientSecret);
        }

        @Override
        public String toString() {
            return "Client[" + clientId + "]";
        }
    }

    static XtremepushCredentials of(Connection connection) {
        if (connection.secretNames().contains(XtremepushDestination.APP_TOKEN)) {
            return new AppToken(connection.secret(XtremepushDestination.APP_TOKEN));
        }
        return new Client(connection.value(XtremepushDestination.CLIENT_ID),
                connection.secret(XtremepushDestination.CLIENT_SECRET));
    }
}
