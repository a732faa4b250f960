package io.pushsync.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Each replica of {@link PushsyncReplicas} has Reactor Netty resources of its own, so closing one disposes nothing
 * that another context of the JVM uses; the others still answer.
 */
class PushsyncReplicasTest {

    @Test
    void aReplicaClosesOnlyItsOwnReactorResources() throws Exception {
        try (PushsyncReplicas first = PushsyncReplicas.start(1, Map.of("pushsync.api-tokens", "t"));
                PushsyncReplicas second = PushsyncReplicas.start(1, Map.of("pushsync.api-tokens", "t"))) {
            ReactorResourceFactory own = first.context(0).getBean(ReactorResourceFactory.class);
            assertThat(own.isUseGlobalResources()).as("the replica's factory uses resources of its own").isFalse();
            assertThat(first.context(0).getBeansOfType(ReactorResourceFactory.class)).hasSize(1);
            assertThat(second.context(0).getBean(ReactorResourceFactory.class).getLoopResources())
                    .isNotSameAs(own.getLoopResources());

            first.close();
            assertThat(own.isRunning()).isFalse();
            assertThat(second.get(0, "/actuator/health/readiness").statusCode()).isEqualTo(200);
        }
    }
}
