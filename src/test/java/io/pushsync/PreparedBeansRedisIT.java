package io.pushsync;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.testsupport.PushsyncReplicas;
import io.pushsync.testsupport.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The Redis state store (the Helm chart's setting for more than one replica) in a JVM started as the image starts
 * it: the prepared bean definitions, made for in-process state, are left aside, and the start has Spring Boot's
 * Redis beans and pushsync's Redis stores. Skipped, with the reason, without a Redis server (see
 * {@link RedisServerExtension}).
 */
class PreparedBeansRedisIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void aRedisStartGoesWithoutThemAndUsesRedis() throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--pushsync.api-tokens=" + PreparedBeansIT.TOKEN));
        PushsyncReplicas.redisState(REDIS).forEach((key, value) -> arguments.add("--" + key + "=" + value));
        try (PreparedBeansIT.Replica replica = PreparedBeansIT.Replica.start(
                Map.of("MANAGEMENT_HEALTH_REDIS_ENABLED", "true"), arguments.toArray(String[]::new))) {
            assertThat(replica.log()).doesNotContain("Starting AOT-processed")
                    .contains("Starting without the bean definitions prepared ahead of time")
                    .contains("pushsync.state.store=redis");
            HttpResponse<String> health = PreparedBeansIT.HTTP.send(HttpRequest.newBuilder(
                            URI.create(replica.base() + "/actuator/health")).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + PreparedBeansIT.TOKEN).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode components = PreparedBeansIT.JSON.readTree(health.body()).get("components");
            assertThat(components).as(health.body()).isNotNull();
            // Spring Boot's Redis beans, which the definitions prepared for in-process state leave out
            assertThat(components.at("/redis/status").asString()).as(health.body()).isEqualTo("UP");
        }
    }
}
