package io.pushsync.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class RedisAutoConfigurationFilterTest {

    static final String[] CANDIDATES = {
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        null,
    };

    static boolean[] match(MockEnvironment environment) {
        RedisAutoConfigurationFilter filter = new RedisAutoConfigurationFilter();
        filter.setEnvironment(environment);
        return filter.match(CANDIDATES, null);
    }

    @Test
    void theDefaultStoreLeavesRedisOutAndEverythingElseIn() {
        assertThat(match(new MockEnvironment())).containsExactly(false, false, true, true);
        assertThat(match(new MockEnvironment().withProperty(StateProperties.KEY, "in-process")))
                .containsExactly(false, false, true, true);
    }

    @Test
    void theRedisStoreKeepsRedisAsTheStorePropertiesReadIt() {
        assertThat(match(new MockEnvironment().withProperty(StateProperties.KEY, "redis")))
                .containsExactly(true, true, true, true);
        assertThat(match(new MockEnvironment().withProperty(StateProperties.KEY, " Redis ")))
                .containsExactly(true, true, true, true);
    }
}
