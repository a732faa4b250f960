package io.pushsync.destination.cleverpush;

import io.pushsync.resilience.VendorExchange;
import io.pushsync.resilience.VendorReply;
import io.pushsync.resilience.VendorRequest;
import io.pushsync.resilience.VendorResilience;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.LogContext;
import io.pushsync.sync.Secret;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * CleverPush over {@link VendorExchange}: the API key is the raw {@code Authorization} header; retries and the rate
 * limiter belong to the channel (one account per channel id).
 */
@Component
class CleverPushClient {

    static final String VENDOR = "cleverpush";

    private final WebClient client;
    private final VendorExchange exchange;
    private final CleverPushProperties properties;
    private final JsonMapper json;

    CleverPushClient(CleverPushProperties properties, WebClient.Builder builder, VendorExchange exchange,
            JsonMapper json) {
        this.properties = properties;
        this.exchange = exchange;
        this.json = json;
        this.client = VendorExchange.webClient(builder, properties.baseUrl(), properties.connectTimeout(),
                properties.maxResponseSize());
    }

    /** The channel's account name: retries, rate limiter and its metrics are per channel. */
    static String account(String channelId) {
        return VendorResilience.accountName(VENDOR, channelId);
    }

    /**
     * A lazy call: nothing is sent before subscription. {@code path} is a URI template; {@code {channelId}} is filled
     * in. Errors with {@code VendorCallFailure}; completes empty when
     * {@code stop} emitted before an answer (see {@link VendorExchange#exchange}).
     */
    Mono<VendorReply> call(String channelId, Secret apiKey, String operation, HttpMethod method, String path,
            ObjectNode body, Deadline deadline, Mono<?> stop, LogContext logContext) {
        return call(channelId, apiKey, operation, method, path, CleverPushWire.channelVariables(channelId), body,
                deadline, stop, logContext);
    }

    /** As above, {@code path} a URI template filled from {@code uriVariables} (each value encoded in full). */
    Mono<VendorReply> call(String channelId, Secret apiKey, String operation, HttpMethod method, String path,
            Map<String, String> uriVariables, ObjectNode body, Deadline deadline, Mono<?> stop,
            LogContext logContext) {
        VendorRequest request = new VendorRequest(VENDOR, account(channelId), operation, method, path,
                body == null ? null : json.writeValueAsBytes(body), Map.of(CleverPushWire.AUTH_HEADER, apiKey),
                List.of(apiKey), properties.requestTimeout(), uriVariables);
        return exchange.exchange(client, request, CleverPushWire::vendorMessage, deadline, stop, logContext);
    }
}
