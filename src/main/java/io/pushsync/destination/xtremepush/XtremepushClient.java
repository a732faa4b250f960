package io.pushsync.destination.xtremepush;

import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorExchange;
import io.pushsync.resilience.VendorReply;
import io.pushsync.resilience.VendorRequest;
import io.pushsync.resilience.VendorResilience;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Xtremepush over {@link VendorExchange}: one WebClient per region. An app token travels in the body only; an OAuth
 * client's access token ({@link XtremepushTokens}) as {@code pushsync.xtremepush.oauth.token-travels} says, and a
 * call the vendor answers 401 is sent once more with a new token before the 401 stands.
 */
@Component
class XtremepushClient {

    static final String VENDOR = "xtremepush";
    /**
     * Bytes set aside in a body for an OAuth access token that travels in it ({@code token-travels: body}), whose
     * length is known only when it is sent: chunks are cut with this much room for it. A longer token makes a body
     * over {@code max-chunk-bytes}, which is then split before it is sent ({@link BodyTooLargeException}).
     */
    static final int OAUTH_BODY_TOKEN_ALLOWANCE = 2048;

    private final Map<String, WebClient> clients;
    private final VendorExchange exchange;
    private final JsonMapper json;
    private final XtremepushProperties.OAuth oauth;
    private final XtremepushTokens tokens;
    private final long maxBodyBytes;

    XtremepushClient(XtremepushProperties properties, WebClient.Builder builder, VendorExchange exchange,
            JsonMapper json) {
        this.exchange = exchange;
        this.json = json;
        this.oauth = properties.oauth();
        this.maxBodyBytes = properties.maxChunkBytes().toBytes();
        this.tokens = new XtremepushTokens(this, properties.oauth());
        this.clients = properties.regions().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey,
                e -> VendorExchange.webClient(builder, e.getValue().baseUrl(), properties.connectTimeout(),
                        properties.maxResponseSize())));
    }

    /**
     * Posts the body {@code body} builds (given the token that travels in it, or null) and blocks for the classified
     * answer. OAuth credentials whose token request is refused answer a 401 reply naming the token endpoint. The body
     * is written once, into an array of its size, and that array is what goes on the wire.
     *
     * @throws VendorCallFailure when retries are exhausted, the deadline passed or the local rate limit timed out
     * @throws BodyTooLargeException when the body would be larger than {@code max-chunk-bytes} (nothing is sent)
     */
    VendorReply post(String region, XtremepushCredentials credentials, String operation, String path,
            Function<Secret, XtremepushWire.Body> body, Duration timeout, Deadline deadline) {
        if (credentials instanceof XtremepushCredentials.AppToken app) {
            return exchange(region, new VendorRequest(VENDOR, app.account(), operation, HttpMethod.POST, path,
                    bytes(body.apply(app.token())), Map.of(), app.secrets(), timeout), deadline);
        }
        XtremepushCredentials.Client client = (XtremepushCredentials.Client) credentials;
        XtremepushTokens.Grant grant = tokens.token(region, client, deadline);
        if (grant.refused() != null) {
            return grant.refused();
        }
        VendorReply reply = postWithToken(region, client, grant.token(), operation, path, body, timeout, deadline);
        if (reply.status() == 401) {
            // the token may have been revoked or expired early: one new token, one more try
            tokens.invalidate(region, client, grant.token());
            grant = tokens.token(region, client, deadline);
            if (grant.refused() != null) {
                return grant.refused();
            }
            reply = postWithToken(region, client, grant.token(), operation, path, body, timeout, deadline);
        }
        return reply;
    }

    private VendorReply postWithToken(String region, XtremepushCredentials.Client client, Secret token,
            String operation, String path, Function<Secret, XtremepushWire.Body> body, Duration timeout,
            Deadline deadline) {
        List<Secret> secrets = new ArrayList<>(client.secrets());
        secrets.add(token);
        Map<String, Secret> headers = Map.of();
        byte[] bytes;
        if (oauth.inHeader()) {
            Secret bearer = Secret.of("Bearer " + token.reveal());
            headers = Map.of("Authorization", bearer);
            secrets.add(bearer);
            bytes = bytes(body.apply(null));
        } else {
            bytes = bytes(body.apply(token));
        }
        return exchange(region, new VendorRequest(VENDOR, client.account(), operation, HttpMethod.POST, path, bytes,
                headers, secrets, timeout), deadline);
    }

    /** The body's bytes, unless they would be more than {@code max-chunk-bytes}. */
    private byte[] bytes(XtremepushWire.Body body) {
        long size = body.size(json);
        if (size > maxBodyBytes) {
            throw new BodyTooLargeException(size, maxBodyBytes);
        }
        byte[] bytes = body.toBytes(json, size);
        if (bytes.length > maxBodyBytes) { // the size was misjudged (a generator that indents): still not sent
            throw new BodyTooLargeException(bytes.length, maxBodyBytes);
        }
        return bytes;
    }

    /** The JSON the bodies are written with: rows are measured with it before they are placed in a chunk. */
    JsonMapper json() {
        return json;
    }

    /** The token a body of {@code credentials} carries as far as known before sending: the app token, or none. */
    Secret tokenInBody(XtremepushCredentials credentials) {
        return credentials instanceof XtremepushCredentials.AppToken app ? app.token() : null;
    }

    /** Room to keep in a body for a token not known before sending: an OAuth access token travelling in it. */
    int tokenAllowance(XtremepushCredentials credentials) {
        return credentials instanceof XtremepushCredentials.Client && !oauth.inHeader() ? OAUTH_BODY_TOKEN_ALLOWANCE
                : 0;
    }

    /** A body larger than {@code pushsync.xtremepush.max-chunk-bytes}: it was not sent. */
    static final class BodyTooLargeException extends RuntimeException {
        private final long size;
        private final long max;

        BodyTooLargeException(long size, long max) {
            super("a request body of " + size + " bytes, more than " + XtremepushProperties.MAX_CHUNK_BYTES_KEY + " ("
                    + max + " bytes)", null, false, false);
            this.size = size;
            this.max = max;
        }

        long size() {
            return size;
        }

        long max() {
            return max;
        }
    }

    /** One exchange with the region's base URL. */
    VendorReply exchange(String region, VendorRequest request, Deadline deadline) {
        WebClient client = clients.get(region);
        if (client == null) {
            throw new IllegalStateException("no base URL configured for region " + region);
        }
        return exchange.exchangeBlocking(client, request, XtremepushWire::vendorMessage, deadline);
    }
}
