package io.pushsync.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code vendorCircuits} in the health details: the circuit state of every vendor account, by account name (a
 * digest, never a credential). Always UP: a vendor being down must never make pushsync look unhealthy.
 */
@Component("vendorCircuits")
class VendorCircuitsHealthIndicator implements HealthIndicator {

    private final CircuitBreakerRegistry breakers;

    VendorCircuitsHealthIndicator(CircuitBreakerRegistry breakers) {
        this.breakers = breakers;
    }

    @Override
    public Health health() {
        Map<String, String> states = new TreeMap<>();
        for (CircuitBreaker breaker : breakers.getAllCircuitBreakers()) {
            states.put(breaker.getName(), breaker.getState().name());
        }
        return Health.up().withDetails(Map.copyOf(states)).build();
    }
}
