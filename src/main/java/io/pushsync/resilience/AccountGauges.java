package io.pushsync.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Per-vendor aggregates of the per-account resilience instances, whatever {@link AccountMeterCap} admits: a fixed
 * number of series (vendors x circuit states), computed when scraped.
 *
 * <ul>
 *   <li>{@code pushsync_vendor_accounts{destination}}: accounts this replica holds instances for;</li>
 *   <li>{@code pushsync_vendor_circuits{destination,state}}: accounts whose circuit is {@code closed}, {@code open}
 *       or {@code half_open} (other states counted under their own lower-case names are not expected);</li>
 *   <li>{@code pushsync_vendor_rate_limited_accounts{destination}}: accounts whose adaptive rate is below the
 *       configured one (the vendor answered 429 recently).</li>
 * </ul>
 * The vendors are those with a circuit breaker configuration ({@code resilience4j.circuitbreaker.configs.<vendor>}).
 */
@Component
class AccountGauges {

    private static final CircuitBreaker.State[] STATES = {CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
            CircuitBreaker.State.HALF_OPEN};

    AccountGauges(MeterRegistry registry, CircuitBreakerRegistry breakers, RateLimiterRegistry limiters,
            Environment environment) {
        Set<String> vendors = new TreeSet<>(Binder.get(environment).bind("resilience4j.circuitbreaker.configs",
                Bindable.mapOf(String.class, Object.class)).orElse(Map.of()).keySet());
        vendors.remove("default");
        for (String vendor : vendors) {
            String prefix = vendor + "-";
            Gauge.builder("pushsync_vendor_accounts", breakers,
                            b -> b.getAllCircuitBreakers().stream().filter(c -> c.getName().startsWith(prefix)).count())
                    .description("vendor accounts this replica holds a circuit breaker and rate limiter for")
                    .tag("destination", vendor).register(registry);
            for (CircuitBreaker.State state : STATES) {
                Gauge.builder("pushsync_vendor_circuits", breakers, b -> b.getAllCircuitBreakers().stream()
                                .filter(c -> c.getName().startsWith(prefix) && c.getState() == state).count())
                        .description("vendor accounts by the state of their circuit breaker")
                        .tag("destination", vendor).tag("state", state.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
            Gauge.builder("pushsync_vendor_rate_limited_accounts", limiters, l -> l.getAllRateLimiters().stream()
                            .filter(r -> r.getName().startsWith(prefix))
                            .filter(r -> l.getConfiguration(vendor).map(c -> r.getRateLimiterConfig()
                                    .getLimitForPeriod() < c.getLimitForPeriod()).orElse(false))
                            .count())
                    .description("vendor accounts whose rate was lowered after a 429")
                    .tag("destination", vendor).register(registry);
        }
    }
}
