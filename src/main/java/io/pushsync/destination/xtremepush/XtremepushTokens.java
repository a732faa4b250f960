package io.pushsync.destination.xtremepush;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorReply;
import io.pushsync.resilience.VendorRequest;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Secret;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * OAuth 2.0 access tokens of Xtremepush clients (client credentials grant), one per client id, secret and region,
 * shared by every chunk and batch of this replica and renewed {@code refresh-margin} before it expires: a batch of
 * many chunks, and concurrent batches, make one token request between them (the first caller asks; the others wait for
 * its answer in Caffeine's async cache).
 *
 * <p>The token request goes through the same exchange as every vendor call (the client's rate limiter, retries of
 * 429/5xx with {@code Retry-After}, circuit breaker, metrics as {@code oauth_token}, secrets redacted). A 4xx answer
 * (a wrong client id or secret, a grant the project does not allow) refuses the credentials: the caller gets a
 * {@link Grant} with {@code refused} set and fails its rows {@code destination_auth_failed}. Nothing is cached but a
 * token: a refusal or a failure is asked again by the next caller.
 */
final class XtremepushTokens {

    /** A token, or the reply that refused the credentials (status 401, the token endpoint's words). */
    record Grant(Secret token, VendorReply refused) {
    }

    private record Key(String region, String clientId, String secretDigest) {
    }

    private record Issued(Secret token, Duration lifetime) {
    }

    /** A 4xx from the token endpoint: not retried, not cached. */
    private static final class Refused extends RuntimeException {
        private final transient VendorReply reply;

        Refused(VendorReply reply) {
            super(reply.message(), null, false, false);
            this.reply = reply;
        }
    }

    private final XtremepushClient client;
    private final XtremepushProperties.OAuth oauth;
    private final AsyncCache<Key, Issued> tokens;

    XtremepushTokens(XtremepushClient client, XtremepushProperties.OAuth oauth) {
        this.client = client;
        this.oauth = oauth;
        Duration margin = oauth.refreshMargin();
        this.tokens = Caffeine.newBuilder()
                .maximumSize(oauth.maxClients())
                .expireAfter(Expiry.<Key, Issued>creating((key, issued) -> {
                    Duration usable = issued.lifetime().minus(margin);
                    return usable.isNegative() ? Duration.ZERO : usable;
                }))
                .buildAsync();
    }

    /** The client's current token, asking the token endpoint when there is none (or it is about to expire). */
    Grant token(String region, XtremepushCredentials.Client c, Deadline deadline) {
        Key key = key(region, c);
        CompletableFuture<Issued> issued = tokens.getIfPresent(key);
        if (issued == null) {
            // the first caller asks on its own thread; callers meanwhile wait for its answer
            CompletableFuture<Issued> mine = new CompletableFuture<>();
            issued = tokens.asMap().putIfAbsent(key, mine);
            if (issued == null) {
                issued = mine;
                try {
                    mine.complete(request(region, c, deadline));
                } catch (RuntimeException e) {
                    mine.completeExceptionally(e); // a failed future leaves the cache: the next caller asks again
                } catch (Error e) {
                    mine.completeExceptionally(e); // callers waiting for this answer must not wait forever
                    throw e;
                }
            }
        }
        try {
            return new Grant(issued.join().token(), null);
        } catch (CompletionException e) {
            if (e.getCause() instanceof Refused r) {
                return new Grant(null, r.reply);
            }
            if (e.getCause() instanceof VendorCallFailure f) {
                throw f;
            }
            throw e;
        }
    }

    /**
     * Forgets {@code stale} after the vendor refused it (401): the next {@link #token} asks for a new one. A token
     * already renewed by another caller is kept.
     */
    void invalidate(String region, XtremepushCredentials.Client c, Secret stale) {
        tokens.asMap().computeIfPresent(key(region, c), (k, f) -> f.isDone() && !f.isCompletedExceptionally()
                && f.join().token().equals(stale) ? null : f);
    }

    private Issued request(String region, XtremepushCredentials.Client c, Deadline deadline) {
        boolean basic = oauth.basic();
        List<Secret> secrets = new ArrayList<>(c.secrets());
        Map<String, Secret> headers = Map.of();
        if (basic) {
            Secret authorization = XtremepushWire.basicAuthorization(c.clientId(), c.clientSecret());
            headers = Map.of("Authorization", authorization);
            secrets.add(authorization);
        }
        VendorRequest request = new VendorRequest(XtremepushClient.VENDOR, c.account(), "oauth_token",
                HttpMethod.POST, oauth.tokenPath(), XtremepushWire.tokenRequest(c.clientId(), c.clientSecret(), basic),
                headers, secrets, deadline.remaining(), Map.of(), MediaType.APPLICATION_FORM_URLENCODED);
        VendorReply reply = client.exchange(region, request, deadline); // VendorCallFailure after the retry budget
        if (reply.isSuccess()) {
            JsonNode token = reply.json() == null ? null : reply.json().get(oauth.accessTokenField());
            if (token == null || !token.isString() || token.stringValue().isBlank()) {
                throw new VendorCallFailure(VendorCallFailure.Kind.UNAVAILABLE, "Xtremepush's token endpoint "
                        + "answered " + reply.status() + " without a readable '" + oauth.accessTokenField()
                        + "' (pushsync.xtremepush.oauth.access-token-field)");
            }
            return new Issued(Secret.of(token.stringValue()), lifetime(reply.json()));
        }
        throw new Refused(new VendorReply(401, reply.json(), "the token endpoint refused the client credentials ("
                + reply.status() + "): " + reply.message()));
    }

    private Duration lifetime(JsonNode answer) {
        JsonNode n = answer.get(oauth.expiresInField());
        long seconds = -1;
        if (n != null && n.isNumber()) {
            seconds = n.asLong();
        } else if (n != null && n.isString() && n.stringValue().matches("\\d{1,9}")) {
            seconds = Long.parseLong(n.stringValue());
        }
        return seconds > 0 ? Duration.ofSeconds(seconds) : oauth.defaultLifetime();
    }

    private static Key key(String region, XtremepushCredentials.Client c) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(c.clientSecret().reveal().getBytes(StandardCharsets.UTF_8));
            return new Key(region, c.clientId(), HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
