package io.pushsync.resilience;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import io.pushsync.sync.VendorAccounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * One Retry, one RateLimiter and one CircuitBreaker per vendor account, built from the vendor's YAML config
 * ({@code resilience4j.retry.configs.<vendor>}, {@code resilience4j.ratelimiter.configs.<vendor>}).
 *
 * <p>Instance names are {@code <vendor>-<account digest>}: a short SHA-256 digest of the credential, so that
 * neither metrics nor logs ever carry the credential itself.
 *
 * <p>On top of the YAML policy, the retry (1) retries only {@link TransientVendorException}, (2) makes the first
 * retry immediate and backs off from the second on (the vendors' advice), and (3) never waits less than the
 * {@code Retry-After} the vendor gave.
 *
 * <p>Resilience4j registers meters per instance: {@link AccountMeterCap} bounds how many accounts have them, and
 * {@link AccountGauges} sums them up per vendor.
 *
 * <p>The rate limiter adapts: a 429 halves the account's rate, and after {@code pushsync.resilience.quiet-period}
 * without one it climbs back by a quarter of the configured rate per quiet period.
 */
@Component
public class VendorResilience implements VendorAccounts {

    /** The window of {@link VendorAccounts.Account#recent429s()}. */
    static final Duration RECENT_429_WINDOW = Duration.ofMinutes(15);
    /** At most this many 429 times kept per account (a count beyond it shows as this many). */
    private static final int MAX_429_TIMES = 1000;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(VendorResilience.class);

    private final RetryRegistry retries;
    private final RateLimiterRegistry rateLimiters;
    private final VendorCallMetrics metrics;
    private final Map<String, RetryConfig> retryConfigs = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreakerConfig> breakerConfigs = new ConcurrentHashMap<>();
    private final CircuitBreakerRegistry breakers;
    private final Map<String, RateAdaptation> adaptations = new ConcurrentHashMap<>();
    /** Recent 429 times per account (epoch millis), oldest first. */
    private final Map<String, Deque<Long>> rateLimitedAt = new ConcurrentHashMap<>();
    private final boolean adaptive;
    private final java.time.Duration quietPeriod;
    /** Accounts seen recently; an idle one leaves the registries (and their meters) instead of staying forever. */
    private final Cache<String, Boolean> accounts;

    public VendorResilience(RetryRegistry retries, RateLimiterRegistry rateLimiters,
            CircuitBreakerRegistry breakers, VendorCallMetrics metrics, ResilienceProperties properties,
            AccountMeterCap meterCap) {
        this.breakers = breakers;
        this.retries = retries;
        this.rateLimiters = rateLimiters;
        this.metrics = metrics;
        this.adaptive = properties.adaptiveRate();
        this.quietPeriod = properties.quietPeriod();
        this.accounts = Caffeine.newBuilder()
                .expireAfterAccess(properties.accountIdleTimeout())
                .maximumSize(properties.maxAccounts())
                .executor(Runnable::run) // evict on the calling thread: no background pool needed
                .<String, Boolean>removalListener((name, v, cause) -> {
                    if (cause.wasEvicted()) {
                        breakers.remove(name);
                        retries.remove(name);
                        rateLimiters.remove(name);
                        adaptations.remove(name);
                        rateLimitedAt.remove(name);
                        meterCap.release(name);
                    }
                })
                .build();
    }

    /** The account's instance name: vendor plus a digest of the credential. */
    public static String accountName(String vendor, String credential) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((vendor + "\0" + credential).getBytes(StandardCharsets.UTF_8));
            return vendor + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Retry retry(String vendor, String accountName) {
        accounts.get(accountName, name -> Boolean.TRUE);
        return retries.find(accountName).orElseGet(() -> newRetry(vendor, accountName));
    }

    public RateLimiter rateLimiter(String vendor, String accountName) {
        accounts.get(accountName, name -> Boolean.TRUE);
        return rateLimiters.rateLimiter(accountName, configName(rateLimiters.getConfiguration(vendor).isPresent(),
                vendor));
    }

    /**
     * The account's circuit breaker ({@code resilience4j.circuitbreaker.configs.<vendor>}). Only 5xx, timeouts and
     * connection failures count against it; a vendor refusing a row, or throttling (429), is a working vendor.
     */
    public CircuitBreaker circuitBreaker(String vendor, String accountName) {
        accounts.get(accountName, name -> Boolean.TRUE);
        return breakers.find(accountName).orElseGet(() -> breakers.circuitBreaker(accountName,
                breakerConfigs.computeIfAbsent(vendor, v -> CircuitBreakerConfig.from(breakers.getConfiguration(v)
                                .orElseThrow(() -> new IllegalStateException(
                                        "no circuit breaker config resilience4j.circuitbreaker.configs." + v)))
                        // a 429 is a vendor that works and throttles: the adaptive rate limiter answers it
                        .recordException(t -> t instanceof TransientVendorException tve
                                && tve.reason() != TransientVendorException.Reason.RATE_LIMITED)
                        .build())));
    }

    /** The retry policy in force for a vendor: its YAML config plus the rules above. */
    public RetryConfig retryConfig(String vendor) {
        return retryConfigs.computeIfAbsent(vendor, this::buildRetryConfig);
    }

    /**
     * A 429 from the account: its limiter's rate is halved (at most once per refresh period, so a burst of 429s from
     * concurrent calls halves it once, and never below one request per period).
     */
    public void onRateLimited(String vendor, String accountName) {
        Deque<Long> times = rateLimitedAt.computeIfAbsent(accountName, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(System.currentTimeMillis());
            while (times.size() > MAX_429_TIMES) {
                times.removeFirst();
            }
        }
        if (!adaptive) {
            return;
        }
        RateLimiter limiter = rateLimiter(vendor, accountName);
        adaptations.computeIfAbsent(accountName, k -> new RateAdaptation(
                        rateLimiters.getConfiguration(vendor).orElseThrow().getLimitForPeriod(),
                        limiter.getRateLimiterConfig().getLimitRefreshPeriod()))
                .slowDown(System.nanoTime(), limiter);
    }

    /** A 2xx from the account: after a quiet period without 429s its rate climbs back, step by step. */
    public void onSuccess(String vendor, String accountName) {
        RateAdaptation a = adaptations.get(accountName);
        if (a != null) {
            a.recover(System.nanoTime(), quietPeriod.toNanos(), rateLimiter(vendor, accountName));
        }
    }

    /**
     * The requests per second one account of {@code vendor} is allowed as configured
     * ({@code resilience4j.ratelimiter.configs.<vendor>}: {@code limit-for-period} per {@code limit-refresh-period}),
     * before any 429 slows it down: what an adapter declares as its pace.
     */
    public double configuredRequestsPerSecond(String vendor) {
        RateLimiterConfig config = rateLimiters.getConfiguration(vendor).orElseThrow(() -> new IllegalStateException(
                "no rate limiter config resilience4j.ratelimiter.configs." + vendor));
        double seconds = Math.max(config.getLimitRefreshPeriod().toNanos(), 1) / 1e9;
        return config.getLimitForPeriod() / seconds;
    }

    /** The limit currently in force for the account (the configured one unless slowed down). */
    public int currentLimitForPeriod(String vendor, String accountName) {
        return rateLimiter(vendor, accountName).getRateLimiterConfig().getLimitForPeriod();
    }

    @Override
    public List<Account> accounts() {
        long since = System.currentTimeMillis() - RECENT_429_WINDOW.toMillis();
        List<Account> out = new ArrayList<>();
        for (CircuitBreaker breaker : breakers.getAllCircuitBreakers()) {
            String name = breaker.getName();
            int dash = name.lastIndexOf('-');
            if (dash <= 0 || accounts.getIfPresent(name) == null) {
                continue;
            }
            String vendor = name.substring(0, dash);
            RateLimiterConfig configured = rateLimiters.getConfiguration(vendor).orElse(null);
            RateLimiter limiter = rateLimiters.find(name).orElse(null);
            if (configured == null) {
                continue;
            }
            int current = limiter == null ? configured.getLimitForPeriod()
                    : limiter.getRateLimiterConfig().getLimitForPeriod();
            double seconds = Math.max(configured.getLimitRefreshPeriod().toNanos(), 1) / 1e9;
            int recent = 0;
            Long last = null;
            Deque<Long> times = rateLimitedAt.get(name);
            if (times != null) {
                synchronized (times) {
                    while (!times.isEmpty() && times.peekFirst() < since) {
                        times.removeFirst();
                    }
                    recent = times.size();
                    last = times.peekLast();
                }
            }
            out.add(new Account(name, vendor, breaker.getState().name().toLowerCase(Locale.ROOT), current,
                    configured.getLimitForPeriod(), configured.getLimitRefreshPeriod(), current / seconds,
                    configured.getLimitForPeriod() / seconds, recent, last == null ? null
                            : Instant.ofEpochMilli(last)));
        }
        out.sort(Comparator.comparing(Account::account));
        return out;
    }

    @Override
    public Duration recentWindow() {
        return RECENT_429_WINDOW;
    }

    /**
     * The adapted rate of one account. The state change and the limiter change happen under one lock, so a
     * concurrent 429 and recovery cannot reach the limiter in the wrong order. Kept until the account is evicted.
     */
    private static final class RateAdaptation {
        private final int configured;
        private final long refreshNanos;
        private int current;
        private long last429;
        private long lastHalving;
        private long lastChange;
        private boolean halvedOnce;

        RateAdaptation(int configured, java.time.Duration refresh) {
            this.configured = configured;
            this.current = configured;
            this.refreshNanos = refresh.toNanos();
        }

        synchronized void slowDown(long now, RateLimiter limiter) {
            last429 = now;
            if (halvedOnce && now - lastHalving < refreshNanos) {
                return; // the 429s of one burst of concurrent calls halve the rate once
            }
            halvedOnce = true;
            lastHalving = now;
            int next = Math.max(1, current / 2);
            if (next != current) {
                current = next;
                lastChange = now;
                limiter.changeLimitForPeriod(current);
                log.warn("{}: rate limited by the vendor; the account's limit drops to {} per {}", limiter.getName(),
                        current, limiter.getRateLimiterConfig().getLimitRefreshPeriod());
            }
        }

        synchronized void recover(long now, long quietNanos, RateLimiter limiter) {
            if (current >= configured || now - last429 < quietNanos || now - lastChange < quietNanos) {
                return;
            }
            current = Math.min(configured, current + Math.max(1, configured / 4));
            lastChange = now;
            limiter.changeLimitForPeriod(current);
            log.info("{}: no 429 for a quiet period; the account's limit climbs to {}", limiter.getName(), current);
        }
    }

    private synchronized Retry newRetry(String vendor, String accountName) {
        boolean exists = retries.find(accountName).isPresent();
        Retry retry = retries.retry(accountName, retryConfig(vendor));
        if (!exists) {
            retry.getEventPublisher().onRetry(event -> {
                Throwable t = event.getLastThrowable();
                String reason = t instanceof TransientVendorException tve ? tve.reason().tag() : "io_error";
                metrics.recordRetry(vendor, reason);
            });
        }
        return retry;
    }

    private RetryConfig buildRetryConfig(String vendor) {
        RetryConfig base = retries.getConfiguration(vendor).orElseThrow(() -> new IllegalStateException(
                "no retry config resilience4j.retry.configs." + vendor + " is defined"));
        IntervalBiFunction<Object> backoff = base.getIntervalBiFunction();
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            long wait = attempt <= 1 ? 0L : backoff.apply(attempt - 1, outcome);
            if (outcome.isLeft() && outcome.getLeft() instanceof TransientVendorException tve
                    && tve.retryAfter().isPresent()) {
                wait = Math.max(wait, tve.retryAfter().get().toMillis());
            }
            return wait;
        };
        return RetryConfig.<Object>from(base)
                .intervalBiFunction(interval)
                .retryOnException(t -> t instanceof TransientVendorException)
                .build();
    }

    private static String configName(boolean present, String vendor) {
        if (!present) {
            throw new IllegalStateException("no rate limiter config resilience4j.ratelimiter.configs." + vendor);
        }
        return vendor;
    }
}
