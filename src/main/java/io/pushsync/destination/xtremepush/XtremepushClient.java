package io.pushsync.destination.xtremepush;

import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorExchange;
import io.pushsync.resilience.VendorReply;
import io.pushsync.resilience.VendorRequest;
import io.pushsync.resilience.VendorResilience;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/** Xtremepush over {@link VendorExchange}: one WebClient per region; the app token travels in the body only. */
@Component
class XtremepushClient {

    static final String VENDOR = "xtremepush";

    private final Map<String, WebClient> clients;
    private final VendorExchange exchange;
    private final JsonMapper json;

    XtremepushClient(XtremepushProperties properties, WebClient.Builder builder, VendorExchange exchange,
            JsonMapper json) {
        this.exchange = exchange;
        this.json = json;
        this.clients = properties.regions().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey,
                e -> VendorExchange.webClient(builder, e.getValue().baseUrl(), properties.connectTimeout(),
                        properties.maxResponseSize())));
    }

    /** The app token's account: its rate limiter, circuit breaker and chunk lane are keyed by this name. */
    static String account(Secret token) {
        return VendorResilience.accountName(VENDOR, token.reveal());
    }

    /**
     * Posts {@code body} (which carries the token) and blocks for the classified answer.
     *
     * @throws VendorCallFailure when retries are exhausted, the deadline passed or the local rate limit timed out
     */
    VendorReply post(String region, Secret token, String operation, String path, XtremepushWire.Body body,
            Duration timeout, Deadline deadline) {
        WebClient client = clients.get(region);
        if (client == null) {
            throw new IllegalStateException("no base URL configured for region " + region);
        }
        VendorRequest request = new VendorRequest(VENDOR, account(token), operation, HttpMethod.POST, path,
                body.toBytes(json), Map.of(), List.of(token), timeout);
        return exchange.exchangeBlocking(client, request, XtremepushWire::vendorMessage, deadline);
    }
}
