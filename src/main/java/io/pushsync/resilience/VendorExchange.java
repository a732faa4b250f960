package io.pushsync.resilience;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.ratelimiter.operator.RateLimiterOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.netty.channel.ChannelOption;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.LogContext;
import io.pushsync.sync.Secret;
import io.pushsync.sync.StateStoreUnavailableException;
import io.pushsync.sync.values.Text;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one vendor request with the account's rate limiter and retry policy, and classifies the answer: 2xx and
 * non-retryable statuses come back as a {@link VendorReply}; 429, 5xx, timeouts and connection failures are
 * retried, and after the budget (or the batch's deadline) the call fails with a {@link VendorCallFailure}.
 *
 * <p>Every non-2xx exchange is logged once with method, path, status, duration, attempt and the vendor's message,
 * never with the request body or a credential. A 429 slows the account's rate limiter down
 * ({@link VendorResilience#onRateLimited}); successes let it recover.
 */
@Component
public class VendorExchange {

    private static final Logger log = LoggerFactory.getLogger(VendorExchange.class);
    private static final int MAX_LOGGED_MESSAGE = 300;
    /** Vendor words kept in a row's error: enough to act on, bounded because every row of a chunk carries them. */
    private static final int MAX_ROW_MESSAGE = 1000;
    private static final Duration STOP_POLL = Duration.ofMillis(10);

    private final VendorResilience resilience;
    private final VendorCallMetrics metrics;
    private final JsonMapper json;
    private final Clock clock = Clock.systemUTC();
    private final SharedRateLimit sharedRateLimit;

    public VendorExchange(VendorResilience resilience, VendorCallMetrics metrics, JsonMapper json,
            ObjectProvider<SharedRateLimit> sharedRateLimit) {
        this.sharedRateLimit = sharedRateLimit.getIfAvailable(() -> SharedRateLimit.NONE);
        this.resilience = resilience;
        this.metrics = metrics;
        this.json = json;
    }

    /** A WebClient for one vendor base URL, with a connect timeout and a bound on the size of answers read. */
    public static WebClient webClient(WebClient.Builder builder, String baseUrl, Duration connectTimeout,
            DataSize maxResponseSize) {
        int maxBytes = (int) Math.min(Integer.MAX_VALUE, maxResponseSize.toBytes());
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
        return builder.clone()
                .baseUrl(baseUrl)
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(maxBytes))
                .build();
    }

    /** Blocks for {@link #exchange}. */
    public VendorReply exchangeBlocking(WebClient client, VendorRequest request,
            BiFunction<JsonNode, String, String> messageReader, Deadline deadline) {
        return exchange(client, request, messageReader, deadline, Mono.never()).block();
    }

    /**
     * The call, lazily: nothing is sent until subscription, and the deadline is read then.
     *
     * @param messageReader the vendor's words from its parsed body (may be null) and its raw text
     * @param stop when it emits (the batch stopped), the call gives up as soon as no request is in flight: a wait
     *     for the rate limiter or between retries is cut short and the call completes <em>empty</em>; an attempt
     *     already sent is allowed to finish, so an answer the vendor gave is never lost
     * @return the reply, or an error {@link VendorCallFailure}, or empty after {@code stop}
     */
    public Mono<VendorReply> exchange(WebClient client, VendorRequest request,
            BiFunction<JsonNode, String, String> messageReader, Deadline deadline, Mono<?> stop) {
        return exchange(client, request, messageReader, deadline, stop, LogContext.capture());
    }

    /**
     * As above, logging with {@code logContext}: calls subscribed on I/O threads (as under a concurrency window)
     * pass the batch's context captured on the request thread.
     */
    public Mono<VendorReply> exchange(WebClient client, VendorRequest request,
            BiFunction<JsonNode, String, String> messageReader, Deadline deadline, Mono<?> stop,
            LogContext logContext) {
        return Mono.defer(() -> {
            if (deadline.isExpired()) {
                return Mono.error(VendorCallFailure.notSent(deadline.expiredError()));
            }
            AtomicInteger attempts = new AtomicInteger();
            AtomicBoolean inFlight = new AtomicBoolean();
            // the shared (all replicas) limit is taken per attempt, after the in-process permit
            Mono<VendorReply> once = sharedRateLimit.acquire(request.vendor(), request.account())
                    .then(Mono.defer(() -> {
                        if (deadline.isStopped()) {
                            // a stopped (cancelled, interrupted) job sends nothing more, not even a call that was
                            // waiting for a permit or a retry: the row fails with the stop's reason
                            return Mono.<VendorReply>error(VendorCallFailure.notSent(deadline.expiredError()));
                        }
                        inFlight.set(true);
                        return attempt(client, request, messageReader, attempts.incrementAndGet(), logContext);
                    })).doFinally(signal -> inFlight.set(false));
            Mono<?> stopWhenIdle = stop.then(Mono.defer(() -> Flux.interval(Duration.ZERO, STOP_POLL)
                    .filter(tick -> !inFlight.get()).next()));
            return once
                    .onErrorMap(TransientVendorException.class, e -> e.retryAfter()
                            .filter(wait -> wait.compareTo(deadline.remaining()) > 0)
                            .<Throwable>map(wait -> new RetryBudgetExhaustedException(e, e.getMessage()
                                    + "; the vendor asked to retry after " + wait.toSeconds()
                                    + "s, beyond the batch's remaining time budget"))
                            .orElse(e))
                    .transformDeferred(RateLimiterOperator.of(
                            resilience.rateLimiter(request.vendor(), request.account())))
                    // outside the limiter: an open circuit fails the call without taking a permit
                    .transformDeferred(CircuitBreakerOperator.of(
                            resilience.circuitBreaker(request.vendor(), request.account())))
                    .transformDeferred(RetryOperator.of(resilience.retry(request.vendor(), request.account())))
                    .timeout(deadline.remaining())
                    .onErrorMap(e -> !(e instanceof VendorCallFailure), e -> failure(e, attempts.get()))
                    .takeUntilOther(stopWhenIdle);
        });
    }

    private Mono<VendorReply> attempt(WebClient client, VendorRequest request,
            BiFunction<JsonNode, String, String> messageReader, int attempt, LogContext logContext) {
        long started = System.nanoTime();
        WebClient.RequestBodySpec spec = client.method(request.method())
                .uri(request.path(), request.uriVariables())
                .accept(MediaType.APPLICATION_JSON)
                .headers(h -> request.secretHeaders().forEach((name, value) -> h.set(name, value.reveal())));
        WebClient.RequestHeadersSpec<?> ready = request.body() == null ? spec
                : spec.contentType(request.contentType()).bodyValue(request.body());
        return ready.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        // an oversized body must not turn a vendor's answer into a retry: the status decides
                        .onErrorResume(DataBufferLimitException.class,
                                e -> Mono.just("(response body larger than the configured maximum)"))
                        .map(raw -> classify(request, response.statusCode().value(),
                                response.headers().asHttpHeaders(), raw, messageReader, attempt, started,
                                logContext)))
                .timeout(request.timeout())
                .onErrorMap(e -> !(e instanceof TransientVendorException), e -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    metrics.recordRequest(request.vendor(), request.operation(), 0, took);
                    String what = e instanceof TimeoutException
                            ? "no response within " + request.timeout().toMillis() + " ms"
                            : "connection failed: " + e.getClass().getSimpleName();
                    logContext.run(() -> log.warn("{} {} {} -> {} after {} ms (attempt {})", request.vendor(),
                            request.method(), request.path(), what, took.toMillis(), attempt));
                    return new TransientVendorException(TransientVendorException.Reason.IO_ERROR, 0, null,
                            request.vendor() + " did not answer: " + what);
                });
    }

    private VendorReply classify(VendorRequest request, int status, HttpHeaders headers, String raw,
            BiFunction<JsonNode, String, String> messageReader, int attempt, long started, LogContext logContext) {
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.recordRequest(request.vendor(), request.operation(), status, took);
        JsonNode body = parse(raw);
        // Redact the decoded text: a vendor echoing a credential JSON-escaped ("abc\/def") is caught as well.
        // A 2xx gets its message too: some vendors report a row's failure inside a 2xx body.
        String message = Text.clip(redact(messageReader.apply(body, raw), request), MAX_ROW_MESSAGE);
        if (status >= 200 && status < 300) {
            resilience.onSuccess(request.vendor(), request.account());
            return new VendorReply(status, body, message);
        }
        // Every non-2xx is recorded, as the vendors advise; never the request body or a credential.
        logContext.run(() -> log.warn("{} {} {} -> {} in {} ms (attempt {}): {}", request.vendor(), request.method(),
                request.path(), status, took.toMillis(), attempt, Text.clip(message, MAX_LOGGED_MESSAGE)));
        if (status == 429 || status >= 500) {
            if (status == 429) {
                resilience.onRateLimited(request.vendor(), request.account());
            }
            TransientVendorException.Reason reason = status == 429 ? TransientVendorException.Reason.RATE_LIMITED
                    : TransientVendorException.Reason.SERVER_ERROR;
            throw new TransientVendorException(reason, status,
                    RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), clock).orElse(null),
                    request.vendor() + " answered " + status + ": " + Text.clip(message, MAX_LOGGED_MESSAGE));
        }
        return new VendorReply(status, null, message);
    }

    private static VendorCallFailure failure(Throwable e, int attempts) {
        if (e instanceof RetryBudgetExhaustedException rbe) {
            return VendorCallFailure.waitBeyondBudget(kindOf(rbe.transientCause()), rbe.getMessage());
        }
        if (e instanceof TransientVendorException tve) {
            return new VendorCallFailure(kindOf(tve), tve.getMessage() + " (after " + attempts + " attempts)");
        }
        if (e instanceof CallNotPermittedException) {
            return new VendorCallFailure(VendorCallFailure.Kind.UNAVAILABLE, "the account's circuit is open: the vendor "
                    + "failed repeatedly, so it is not called for a while (" + (attempts > 0 ? attempts
                    + " attempts made" : "not called") + ")");
        }
        if (e instanceof RequestNotPermitted) {
            return new VendorCallFailure(VendorCallFailure.Kind.RATE_LIMITED,
                    "the account's rate limit (this replica's, or the one all replicas share) did not grant a "
                            + "request in time");
        }
        if (e instanceof StateStoreUnavailableException) {
            return new VendorCallFailure(VendorCallFailure.Kind.UNAVAILABLE, "the rate limit shared by all replicas "
                    + "(pushsync.state.store) could not be reached, so the vendor was not called");
        }
        if (e instanceof TimeoutException || e.getCause() instanceof TimeoutException) {
            return new VendorCallFailure(VendorCallFailure.Kind.DEADLINE,
                    "the batch's time budget ran out before the vendor confirmed this row");
        }
        return new VendorCallFailure(VendorCallFailure.Kind.UNAVAILABLE,
                "the call failed unexpectedly: " + e.getClass().getSimpleName());
    }

    private static VendorCallFailure.Kind kindOf(TransientVendorException e) {
        return e.reason() == TransientVendorException.Reason.RATE_LIMITED ? VendorCallFailure.Kind.RATE_LIMITED
                : VendorCallFailure.Kind.UNAVAILABLE;
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

    private static String redact(String text, VendorRequest request) {
        return SecretRedaction.redact(text == null ? "" : text, request.secrets());
    }
}
