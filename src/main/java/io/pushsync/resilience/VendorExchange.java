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
        String message = truncate(redact(messageReader.apply(body, raw), request), MAX_ROW_MESSAGE);
        if (status >= 200 && status < 300) {
            resilience.onSuccess(request.vendor(), request.account());
            return new VendorReply(status, body, message);
        }
        // Every non-2xx is recorded, as the vendors advise; never the request body or a credential.
        logContext.run(() -> log.warn("{} {} {} -> {} in {} ms (attempt {}): {}", request.vendor(), request.method(),
                request.path(), status, took.toMillis(), attempt, truncate(message, MAX_LOGGED_MESSAGE)));
        if (status == 429 || status >= 500) {
            if (status == 429) {
                resilience.onRateLimited(request.vendor(), request.account());
            }
            TransientVendorException.Reason reason = status == 429 ? TransientVendorException.Reason.RATE_LIMITED
                    : TransientVendorException.Reason.SERVER_ERROR;
            throw new TransientVendorException(reason, status,
                    RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), clock).orElse(null),
                    request.vendor() + " answered " + status + ": " + truncate(message, MAX_LOGGED_MESSAGE));
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
        return redact(text == null ? "" : text, request.secrets());
    }

    /** What replaces a secret (or a form or a start of one) in a vendor's message. */
    static final String REDACTED = "****";
    /**
     * The shortest start of a secret redacted on its own: a vendor that clips its message mid-secret, or echoes
     * only the first characters of a credential, must not show them. A secret shorter than this is redacted whole.
     */
    static final int MIN_REDACTED_PREFIX = 8;

    /**
     * {@code text} with every secret of the call replaced by {@link #REDACTED}: the secret as it is, and the forms
     * vendors echo it in, in any mix within one occurrence:
     * <ul>
     * <li>in any case (upper- or lower-cased by the vendor: matching ignores case);</li>
     * <li>URL-encoded: {@code %XX} escapes (upper or lower hex, UTF-8 for non-ASCII, as {@link java.net.URLEncoder}
     * and RFC 3986 percent-encoding write them), and {@code +} for a space;</li>
     * <li>JSON-escaped: {@code \/}, {@code \"}, {@code \\}, {@code \n} ... and {@code \\uXXXX} (raw text the vendor
     * answered with, which no JSON reader decoded);</li>
     * <li>truncated: any run equal to the first {@link #MIN_REDACTED_PREFIX} or more characters of a secret (a
     * message clipped by the vendor mid-secret, or a vendor echoing a credential's start).</li>
     * </ul>
     * Vendor messages only (once per call, not per row): linear in the text's length for each secret (a
     * Knuth-Morris-Pratt scan over the text, and over its decoded form when it has escapes).
     */
    static String redact(String text, List<Secret> secrets) {
        if (text.isEmpty() || secrets.isEmpty()) {
            return text;
        }
        Shadow raw = Shadow.raw(text);
        Shadow decoded = text.indexOf('%') >= 0 || text.indexOf('\\') >= 0 ? Shadow.decoded(text) : null;
        int[] cover = new int[text.length() + 1]; // +1 where a redacted span starts, -1 after it ends
        boolean any = false;
        for (Secret secret : secrets) {
            String value = secret.reveal();
            if (value.isEmpty()) {
                continue;
            }
            char[] pattern = lower(value);
            any |= mark(raw, pattern, cover);
            if (decoded != null) {
                any |= mark(decoded, pattern, cover);
                if (value.indexOf(' ') >= 0) {
                    // application/x-www-form-urlencoded writes a space as '+'
                    any |= mark(decoded, lower(value.replace(' ', '+')), cover);
                }
            }
        }
        if (!any) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            boolean wasHidden = depth > 0;
            depth += cover[i];
            if (depth > 0) {
                if (!wasHidden) {
                    out.append(REDACTED);
                }
            } else {
                out.append(text.charAt(i));
            }
        }
        return out.toString();
    }

    private static char[] lower(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = Character.toLowerCase(c[i]);
        }
        return c;
    }

    /**
     * Marks in {@code cover} every run of {@code shadow} equal to a start of {@code pattern} of at least
     * {@link #MIN_REDACTED_PREFIX} characters (or all of it, when shorter). The Knuth-Morris-Pratt state after each
     * character is the longest start of the pattern ending there, so marking that one run at each position covers
     * every shorter one too.
     */
    private static boolean mark(Shadow shadow, char[] pattern, int[] cover) {
        int m = pattern.length;
        int least = Math.min(MIN_REDACTED_PREFIX, m);
        int[] fail = new int[m];
        for (int i = 1, k = 0; i < m; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = fail[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            fail[i] = k;
        }
        boolean any = false;
        for (int i = 0, q = 0; i < shadow.length; i++) {
            char c = shadow.chars[i];
            while (q > 0 && (q == m || c != pattern[q])) {
                q = fail[q - 1];
            }
            if (c == pattern[q]) {
                q++;
            }
            if (q >= least) {
                cover[shadow.from[i - q + 1]]++;
                cover[shadow.to[i]]--;
                any = true;
            }
        }
        return any;
    }

    /**
     * A message as the matcher reads it: lower-cased characters, each with the span of the message it came from
     * ({@code [from, to)}); decoded, an escape ({@code %2F}, {@code \/}, {@code \\u00e9}) is one character.
     */
    private static final class Shadow {

        final char[] chars;
        final int[] from;
        final int[] to;
        int length;

        private Shadow(int capacity) {
            chars = new char[capacity];
            from = new int[capacity];
            to = new int[capacity];
        }

        private void add(char c, int start, int end) {
            chars[length] = Character.toLowerCase(c);
            from[length] = start;
            to[length] = end;
            length++;
        }

        static Shadow raw(String text) {
            Shadow s = new Shadow(text.length());
            for (int i = 0; i < text.length(); i++) {
                s.add(text.charAt(i), i, i + 1);
            }
            return s;
        }

        static Shadow decoded(String text) {
            int n = text.length();
            Shadow s = new Shadow(n);
            int i = 0;
            while (i < n) {
                char c = text.charAt(i);
                int end = c == '\\' ? jsonEscape(text, i, s) : c == '%' ? percentEscape(text, i, s) : -1;
                if (end < 0) {
                    s.add(c, i, i + 1);
                    i++;
                } else {
                    i = end;
                }
            }
            return s;
        }

        /** Adds the character of a JSON escape at {@code i}; its end, or -1 when there is none. */
        private static int jsonEscape(String text, int i, Shadow s) {
            if (i + 1 >= text.length()) {
                return -1;
            }
            char e = text.charAt(i + 1);
            int c = switch (e) {
                case '"', '\\', '/', '\'' -> e;
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> hex(text, i + 2, 4);
                default -> -1;
            };
            if (c < 0) {
                return -1;
            }
            int end = e == 'u' ? i + 6 : i + 2;
            s.add((char) c, i, end);
            return end;
        }

        /** Adds the character(s) of a run of {@code %XX} escapes forming one UTF-8 character; its end, or -1. */
        private static int percentEscape(String text, int i, Shadow s) {
            int b = hex(text, i + 1, 2);
            if (b < 0) {
                return -1;
            }
            int more = b < 0x80 ? 0 : b >= 0xC2 && b < 0xE0 ? 1 : b >= 0xE0 && b < 0xF0 ? 2
                    : b >= 0xF0 && b < 0xF5 ? 3 : -1;
            if (more < 0) {
                return -1;
            }
            int cp = more == 0 ? b : b & (0x3F >> more);
            int end = i + 3;
            for (int k = 0; k < more; k++, end += 3) {
                int next = end < text.length() && text.charAt(end) == '%' ? hex(text, end + 1, 2) : -1;
                if (next < 0x80 || next > 0xBF) {
                    return -1;
                }
                cp = cp << 6 | next & 0x3F;
            }
            if (!Character.isValidCodePoint(cp) || cp >= 0xD800 && cp <= 0xDFFF) {
                return -1;
            }
            for (char c : Character.toChars(cp)) {
                s.add(c, i, end);
            }
            return end;
        }

        /** The value of {@code digits} hex digits at {@code at}, or -1. */
        private static int hex(String text, int at, int digits) {
            if (at + digits > text.length()) {
                return -1;
            }
            int v = 0;
            for (int k = at; k < at + digits; k++) {
                int d = Character.digit(text.charAt(k), 16);
                if (d < 0) {
                    return -1;
                }
                v = v << 4 | d;
            }
            return v;
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
