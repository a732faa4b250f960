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

    private final Map<String, WebClient> clients;
    private final VendorExchange exchange;
    private final JsonMapper json;
    private final XtremepushProperties.OAuth oauth;
    private final XtremepushTokens tokens;

    XtremepushClient(XtremepushProperties properties, WebClient.Builder builder, VendorExchange exchange,
            JsonMapper json) {
        this.exchange = exchange;
        this.json = json;
        this.oauth = properties.oauth();
        this.tokens = new XtremepushTokens(this, properties.oauth());
        this.clients = properties.regions().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey,
                e -> VendorExchange.webClient(builder, e.getValue().baseUrl(), properties.connectTimeout(),
                        properties.maxResponseSize())));
    }

    /**
     * Posts the body {@code body} builds (given the token that travels in it, or null) and blocks for the classified
     * answer. OAuth credentials whose token request is refused answer a 401 reply naming the token endpoint.
     *
     * @throws VendorCallFailure when retries are exhausted, the deadline passed or the local rate limit timed out
     */
    VendorReply post(String region, XtremepushCredentials credentials, String operation, String path,
            Function<Secret, XtremepushWire.Body> body, Duration timeout, Deadline deadline) {
        if (credentials instanceof XtremepushCredentials.AppToken app) {
            return exchange(region, new VendorRequest(VENDOR, app.account(), operation, HttpMethod.POST, path,
                    body.apply(app.token()).toBytes(json), Map.of(), app.secrets(), timeout), deadline);
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
            bytes = body.apply(null).toBytes(json);
        } else {
            bytes = body.apply(token).toBytes(json);
        }
        return exchange(region, new VendorRequest(VENDOR, client.account(), operation, HttpMethod.POST, path, bytes,
                headers, secrets, timeout), deadline);
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
