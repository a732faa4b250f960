package io.pushsync.destination.xtremepush;

import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.reactor.ratelimiter.operator.RateLimiterOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.netty.channel.ChannelOption;
import io.pushsync.resilience.RetryAfter;
import io.pushsync.resilience.RetryBudgetExhaustedException;
import io.pushsync.resilience.TransientVendorException;
import io.pushsync.resilience.VendorCallMetrics;
import io.pushsync.resilience.VendorResilience;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.LogContext;
import io.pushsync.sync.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends one Xtremepush request with the account's rate limiter and retry policy, and classifies the answer:
 * 2xx and 4xx (except 429) come back as {@link XtremepushReply}; 429, 5xx, timeouts and connection failures are
 * retried, and after the budget the call fails with a {@link CallFailure}.
 */
@Component
class XtremepushClient {

    static final String VENDOR = "xtremepush";
    private static final Logger log = LoggerFactory.getLogger(XtremepushClient.class);
    private static final int MAX_LOGGED_MESSAGE = 300;
    /** Vendor words kept in a row's error: enough to act on, bounded because every row of a chunk carries them. */
    private static final int MAX_ROW_MESSAGE = 1000;

    private final Map<String, WebClient> clients;
    private final VendorResilience resilience;
    private final VendorCallMetrics metrics;
    private final JsonMapper json;
    private final Clock clock = Clock.systemUTC();
    private final int maxResponseBytes;

    XtremepushClient(XtremepushProperties properties, WebClient.Builder builder, VendorResilience resilience,
            VendorCallMetrics metrics, JsonMapper json) {
        this.resilience = resilience;
        this.metrics = metrics;
        this.json = json;
        this.maxResponseBytes = (int) Math.min(Integer.MAX_VALUE, properties.maxResponseSize().toBytes());
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis());
        this.clients = properties.regions().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey,
                e -> builder.clone()
                        .baseUrl(e.getValue().baseUrl())
                        .clientConnector(new ReactorClientHttpConnector(http))
                        // vendor answers are small envelopes; the bound keeps a runaway body from eating memory
                        .codecs(c -> c.defaultCodecs().maxInMemorySize(maxResponseBytes))
                        .build()));
    }

    /** A vendor call that ended without a usable answer; the row error follows from {@code kind}. */
    static final class CallFailure extends RuntimeException {
        enum Kind { RATE_LIMITED, UNAVAILABLE, DEADLINE }

        private final Kind kind;

        CallFailure(Kind kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        Kind kind() {
            return kind;
        }
    }

    /**
     * Posts {@code body} (which carries the token) and blocks for the classified answer.
     *
     * @throws CallFailure when retries are exhausted, the deadline passed or the local rate limit timed out
     */
    XtremepushReply post(String region, Secret token, String operation, String path, ObjectNode body,
            Duration timeout, Deadline deadline) {
        if (deadline.isExpired()) {
            throw new CallFailure(CallFailure.Kind.DEADLINE, "the batch's time budget ran out before this row was sent");
        }
        WebClient client = clients.get(region);
        if (client == null) {
            throw new IllegalStateException("no base URL configured for region " + region);
        }
        String account = VendorResilience.accountName(VENDOR, token.reveal());
        byte[] payload = json.writeValueAsBytes(body);
        AtomicInteger attempts = new AtomicInteger();
        LogContext logContext = LogContext.capture();
        Mono<XtremepushReply> once = Mono.defer(() -> {
            int attempt = attempts.incrementAndGet();
            long started = System.nanoTime();
            return client.post()
                    .uri(path)
                    .contentType(MediaType.APPLICATION_JSON)
                    .accept(MediaType.APPLICATION_JSON)
                    .bodyValue(payload)
                    .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                            // an oversized body must not turn a vendor's answer into a retry: the status decides
                            .onErrorResume(DataBufferLimitException.class, e -> Mono.just(
                                    "(response body larger than " + maxResponseBytes + " bytes)"))
                            .map(raw -> classify(response.statusCode().value(),
                                    response.headers().asHttpHeaders(), raw, token, operation, path, attempt,
                                    started, logContext)))
                    .timeout(timeout)
                    .onErrorMap(e -> !(e instanceof TransientVendorException), e -> {
                        Duration took = Duration.ofNanos(System.nanoTime() - started);
                        metrics.recordRequest(VENDOR, operation, 0, took);
                        String what = e instanceof TimeoutException ? "no response within " + timeout.toSeconds() + "s"
                                : "connection failed: " + e.getClass().getSimpleName();
                        logContext.run(() -> log.warn("xtremepush POST {} -> {} after {} ms (attempt {})", path, what,
                                took.toMillis(), attempt));
                        return new TransientVendorException(TransientVendorException.Reason.IO_ERROR, 0, null,
                                "Xtremepush did not answer: " + what);
                    });
        });
        Mono<XtremepushReply> call = once
                .onErrorMap(TransientVendorException.class, e -> e.retryAfter()
                        .filter(wait -> wait.compareTo(deadline.remaining()) > 0)
                        .<Throwable>map(wait -> new RetryBudgetExhaustedException(e, e.getMessage()
                                + "; the vendor asked to retry after " + wait.toSeconds()
                                + "s, beyond the batch's remaining time budget"))
                        .orElse(e))
                .transformDeferred(RateLimiterOperator.of(resilience.rateLimiter(VENDOR, account)))
                .transformDeferred(RetryOperator.of(resilience.retry(VENDOR, account)));
        try {
            return call.timeout(deadline.remaining()).block();
        } catch (RuntimeException e) {
            throw failure(e, attempts.get());
        }
    }

    private XtremepushReply classify(int status, HttpHeaders headers, String raw, Secret token, String operation,
            String path, int attempt, long started, LogContext logContext) {
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.recordRequest(VENDOR, operation, status, took);
        JsonNode body = parse(raw);
        if (status >= 200 && status < 300) {
            return new XtremepushReply(status, body, "");
        }
        // Redact the decoded text: a vendor echoing the token JSON-escaped ("abc\/def") is caught as well.
        String message = truncate(redact(XtremepushWire.vendorMessage(body, raw), token), MAX_ROW_MESSAGE);
        // Every non-2xx is recorded, as the vendor advises; never the request body (it holds the token).
        logContext.run(() -> log.warn("xtremepush POST {} -> {} in {} ms (attempt {}): {}", path, status,
                took.toMillis(), attempt, truncate(message, MAX_LOGGED_MESSAGE)));
        if (status == 429 || status >= 500) {
            TransientVendorException.Reason reason = status == 429 ? TransientVendorException.Reason.RATE_LIMITED
                    : TransientVendorException.Reason.SERVER_ERROR;
            throw new TransientVendorException(reason, status,
                    RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), clock).orElse(null),
                    "Xtremepush answered " + status + ": " + truncate(message, MAX_LOGGED_MESSAGE));
        }
        return new XtremepushReply(status, null, message);
    }

    private static CallFailure failure(Throwable e, int attempts) {
        Throwable t = e;
        if (t instanceof RetryBudgetExhaustedException rbe) {
            return new CallFailure(kindOf(rbe.transientCause()), rbe.getMessage());
        }
        if (t instanceof TransientVendorException tve) {
            return new CallFailure(kindOf(tve), tve.getMessage() + " (after " + attempts + " attempts)");
        }
        if (t instanceof RequestNotPermitted) {
            return new CallFailure(CallFailure.Kind.RATE_LIMITED,
                    "the account's local rate limit did not grant a request in time");
        }
        if (t instanceof TimeoutException || t.getCause() instanceof TimeoutException) {
            return new CallFailure(CallFailure.Kind.DEADLINE,
                    "the batch's time budget ran out before the vendor confirmed this row");
        }
        throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }

    private static CallFailure.Kind kindOf(TransientVendorException e) {
        return e.reason() == TransientVendorException.Reason.RATE_LIMITED ? CallFailure.Kind.RATE_LIMITED
                : CallFailure.Kind.UNAVAILABLE;
    }

    private JsonNode parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return json.readTree(raw);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String redact(String text, Secret token) {
        return text == null ? null : text.replace(token.reveal(), "****");
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
