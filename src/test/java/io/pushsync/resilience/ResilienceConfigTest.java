package io.pushsync.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A misspelled config name silently gets Resilience4j's defaults (3 attempts, 500 ms, 50 permits per 500 ns...):
 * these tests pin the values of {@code application.yml} as the ones in force.
 *
 * <p>{@code MOCK} rather than {@code NONE}: no server starts either way, but the API's {@code SecurityFilterChain}
 * needs a servlet web application ({@code HttpSecurity}) and cannot be built in a non-web context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class ResilienceConfigTest {

    private static final String VENDOR = "xtremepush";

    @Autowired
    RetryRegistry retryRegistry;

    @Autowired
    RateLimiterRegistry rateLimiterRegistry;

    @Autowired
    VendorResilience resilience;

    private static TransientVendorException serverError() {
        return new TransientVendorException(TransientVendorException.Reason.SERVER_ERROR, 503, null, "503");
    }

    private static long interval(RetryConfig config, int attempt, Throwable failure) {
        IntervalBiFunction<Object> f = config.getIntervalBiFunction();
        return f.apply(attempt, Either.left(failure));
    }

    @Test
    void yamlRetryConfigIsRegistered() {
        RetryConfig yaml = retryRegistry.getConfiguration(VENDOR).orElseThrow();
        assertThat(yaml.getMaxAttempts()).isEqualTo(5);
    }

    @Test
    void retryConfigInForceHasFiveAttempts() {
        assertThat(resilience.retryConfig(VENDOR).getMaxAttempts()).isEqualTo(5);
    }

    @Test
    void firstRetryIsImmediate() {
        RetryConfig config = resilience.retryConfig(VENDOR);
        // jitter must not make the first retry wait: check it many times
        IntStream.range(0, 50).forEach(i -> assertThat(interval(config, 1, serverError())).isZero());
    }

    @Test
    void laterRetriesBackOffExponentiallyWithJitter() {
        RetryConfig config = resilience.retryConfig(VENDOR);
        for (int i = 0; i < 50; i++) {
            assertThat(interval(config, 2, serverError())).isCloseTo(500L, within(250L));
            assertThat(interval(config, 3, serverError())).isCloseTo(1000L, within(500L));
            assertThat(interval(config, 4, serverError())).isCloseTo(2000L, within(1000L));
        }
    }

    @Test
    void retryAfterIsHonouredWhenLongerThanTheBackoff() {
        RetryConfig config = resilience.retryConfig(VENDOR);
        TransientVendorException rateLimited = new TransientVendorException(
                TransientVendorException.Reason.RATE_LIMITED, 429, Duration.ofSeconds(7), "429");

        assertThat(interval(config, 1, rateLimited)).isGreaterThanOrEqualTo(7000L);
        assertThat(interval(config, 2, rateLimited)).isGreaterThanOrEqualTo(7000L);
    }

    @Test
    void shortRetryAfterDoesNotShortenTheBackoff() {
        RetryConfig config = resilience.retryConfig(VENDOR);
        TransientVendorException rateLimited = new TransientVendorException(
                TransientVendorException.Reason.RATE_LIMITED, 429, Duration.ofMillis(1), "429");

        assertThat(interval(config, 3, rateLimited)).isGreaterThanOrEqualTo(500L);
    }

    @Test
    void onlyTransientVendorFailuresAreRetried() {
        Predicate<Throwable> retried = resilience.retryConfig(VENDOR).getExceptionPredicate();

        assertThat(retried.test(serverError())).isTrue();
        assertThat(retried.test(new TransientVendorException(TransientVendorException.Reason.IO_ERROR, 0, null,
                "timeout"))).isTrue();
        assertThat(retried.test(new RetryBudgetExhaustedException(serverError(), "budget"))).isFalse();
        assertThat(retried.test(new IllegalStateException("400"))).isFalse();
        assertThat(retried.test(new IOException("reset"))).isFalse();
        assertThat(retried.test(new RuntimeException("boom"))).isFalse();
    }

    @Test
    void perAccountRetryUsesTheVendorPolicy() {
        String account = VendorResilience.accountName(VENDOR, "token-of-account-a");
        Retry retry = resilience.retry(VENDOR, account);

        assertThat(retry.getName()).isEqualTo(account).startsWith("xtremepush-").doesNotContain("token-of-account-a");
        assertThat(retry.getRetryConfig().getMaxAttempts()).isEqualTo(5);
        assertThat(retry.getRetryConfig().getExceptionPredicate().test(new RuntimeException())).isFalse();
        assertThat(retry.getRetryConfig().getIntervalBiFunction().apply(1, Either.left(serverError()))).isZero();
        assertThat(resilience.retry(VENDOR, account)).as("one instance per account").isSameAs(retry);
    }

    @Test
    void yamlRateLimiterConfigIsRegistered() {
        RateLimiterConfig yaml = rateLimiterRegistry.getConfiguration(VENDOR).orElseThrow();
        assertThat(yaml.getLimitForPeriod()).isEqualTo(5);
        assertThat(yaml.getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(yaml.getTimeoutDuration()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void perAccountRateLimiterUsesTheVendorPolicy() {
        String account = VendorResilience.accountName(VENDOR, "token-of-account-b");
        RateLimiter limiter = resilience.rateLimiter(VENDOR, account);

        assertThat(limiter.getName()).isEqualTo(account);
        assertThat(limiter.getRateLimiterConfig().getLimitForPeriod()).isEqualTo(5);
        assertThat(limiter.getRateLimiterConfig().getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(limiter.getRateLimiterConfig().getTimeoutDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(resilience.rateLimiter(VENDOR, account)).isSameAs(limiter);
    }

    @Test
    void accountNamesDifferPerCredential() {
        assertThat(VendorResilience.accountName(VENDOR, "a")).isNotEqualTo(VendorResilience.accountName(VENDOR, "b"))
                .matches("xtremepush-[0-9a-f]{12}");
    }

    @Test
    void cleverPushYamlPoliciesAreInForce() {
        RetryConfig retry = resilience.retry("cleverpush", VendorResilience.accountName("cleverpush", "channel-a"))
                .getRetryConfig();
        assertThat(retry.getMaxAttempts()).as("3 retries").isEqualTo(4);
        assertThat(interval(retry, 1, serverError())).isZero();
        assertThat(interval(retry, 2, serverError())).isBetween(250L, 750L);

        RateLimiter limiter = resilience.rateLimiter("cleverpush", VendorResilience.accountName("cleverpush", "channel-a"));
        assertThat(limiter.getRateLimiterConfig().getLimitForPeriod()).isEqualTo(20);
        assertThat(limiter.getRateLimiterConfig().getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(limiter.getRateLimiterConfig().getTimeoutDuration()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void a429HalvesTheAccountsRateOncePerBurstAndNeverBelowOne() {
        String account = VendorResilience.accountName("cleverpush", "channel-slowed");
        assertThat(resilience.currentLimitForPeriod("cleverpush", account)).isEqualTo(20);

        resilience.onRateLimited("cleverpush", account);
        resilience.onRateLimited("cleverpush", account); // same burst: no second halving
        assertThat(resilience.currentLimitForPeriod("cleverpush", account)).isEqualTo(10);

        resilience.onSuccess("cleverpush", account); // not quiet long enough (30s) to climb back
        assertThat(resilience.currentLimitForPeriod("cleverpush", account)).isEqualTo(10);
    }

    @Test
    void circuitBreakerYamlPoliciesAreInForce() {
        var xp = resilience.circuitBreaker("xtremepush", VendorResilience.accountName("xtremepush", "cb-a"))
                .getCircuitBreakerConfig();
        assertThat(xp.getSlidingWindowSize()).isEqualTo(20);
        assertThat(xp.getMinimumNumberOfCalls()).isEqualTo(10);
        assertThat(xp.getFailureRateThreshold()).isEqualTo(50f);
        assertThat(xp.getRecordExceptionPredicate().test(serverError())).isTrue();
        assertThat(xp.getRecordExceptionPredicate().test(new IllegalStateException("x"))).isFalse();
        assertThat(xp.getRecordExceptionPredicate().test(new TransientVendorException(
                TransientVendorException.Reason.RATE_LIMITED, 429, null, "429"))).as("throttling is not failing")
                .isFalse();
        var cp = resilience.circuitBreaker("cleverpush", VendorResilience.accountName("cleverpush", "cb-b"))
                .getCircuitBreakerConfig();
        assertThat(cp.getSlidingWindowSize()).isEqualTo(50);
        assertThat(cp.getMinimumNumberOfCalls()).isEqualTo(20);
    }
}
