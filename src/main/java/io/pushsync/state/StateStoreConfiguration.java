package io.pushsync.state;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Refuses an unknown {@value StateProperties#KEY} before any bean is created, with a message naming the key (else
 * start-up would fail later and obscurely, with no idempotency ledger or job store bean at all).
 */
@Configuration(proxyBeanMethods = false)
public class StateStoreConfiguration {

    @Bean
    static BeanFactoryPostProcessor stateStoreCheck(Environment environment) {
        return beanFactory -> {
            try {
                StateProperties.validStore(environment.getProperty(StateProperties.KEY));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Invalid configuration: " + e.getMessage(), e);
            }
        };
    }
}
