package io.pushsync.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.testsupport.RedisServerExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

/** The shared lookups in Redis, written by one replica and read by another. */
class RedisSharedLookupsTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String NS = "testvendor-subscription:channel-1";

    private final String prefix = RedisServerExtension.uniquePrefix();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private RedisSharedLookups lookups(LettuceConnectionFactory factory) {
        return new RedisSharedLookups(RedisServerExtension.bytesTemplate(factory), prefix, meters);
    }

    private double failures(String operation) {
        return meters.counter(RedisSharedLookups.FAILURES, "operation", operation).count();
    }

    @Test
    void whatOneReplicaPutsAnotherGets() {
        LettuceConnectionFactory other = REDIS.newConnectionFactory();
        try {
            RedisSharedLookups a = lookups(REDIS.connectionFactory());
            RedisSharedLookups b = lookups(other);
            a.putAll(NS, Map.of("user-1", "native-1", "user-2", "nätive-2 ✓"), Duration.ofMinutes(5));
            assertThat(b.getAll(NS, List.of("user-1", "user-2")))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("user-1", "native-1", "user-2", "nätive-2 ✓"));
            assertThat(failures("get") + failures("put")).isZero();
        } finally {
            other.destroy();
        }
    }

    @Test
    void keysWithNoValueAreAbsent() {
        RedisSharedLookups lookups = lookups(REDIS.connectionFactory());
        lookups.putAll(NS, Map.of("user-1", "native-1"), Duration.ofMinutes(5));
        assertThat(lookups.getAll(NS, List.of("user-0", "user-1", "user-1", "user-9")))
                .containsExactlyEntriesOf(Map.of("user-1", "native-1"));
        assertThat(lookups.getAll(NS, List.of("user-0", "user-9"))).isEmpty();
    }

    @Test
    void aRemovedValueIsGoneForEveryReplica() {
        RedisSharedLookups lookups = lookups(REDIS.connectionFactory());
        lookups.putAll(NS, Map.of("user-1", "native-1", "user-2", "native-2"), Duration.ofMinutes(5));
        lookups.remove(NS, List.of("user-1"));
        assertThat(lookups.getAll(NS, List.of("user-1", "user-2"))).containsExactlyEntriesOf(Map.of("user-2", "native-2"));
    }

    @Test
    void namespacesAreSeparate() {
        RedisSharedLookups lookups = lookups(REDIS.connectionFactory());
        lookups.putAll("a", Map.of("user-1", "in-a"), Duration.ofMinutes(5));
        lookups.putAll("b", Map.of("user-1", "in-b"), Duration.ofMinutes(5));
        assertThat(lookups.getAll("a", List.of("user-1"))).containsExactlyEntriesOf(Map.of("user-1", "in-a"));
        assertThat(lookups.getAll("b", List.of("user-1"))).containsExactlyEntriesOf(Map.of("user-1", "in-b"));
        assertThat(lookups.getAll("c", List.of("user-1"))).isEmpty();
    }

    @Test
    void aValueLeavesAfterItsTtl() {
        RedisSharedLookups lookups = lookups(REDIS.connectionFactory());
        lookups.putAll(NS, Map.of("user-1", "native-1"), Duration.ofSeconds(1));
        assertThat(lookups.getAll(NS, List.of("user-1"))).containsEntry("user-1", "native-1");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> lookups.getAll(NS, List.of("user-1")).isEmpty());
    }

    @Test
    void keysHoldAHashOfTheKeyNeverTheKeyItself() {
        RedisSharedLookups lookups = lookups(REDIS.connectionFactory());
        String userId = "jane.doe@example.com";
        lookups.putAll(NS, Map.of(userId, "native-1"), Duration.ofMinutes(5));
        RedisTemplate<String, byte[]> redis = RedisServerExtension.bytesTemplate(REDIS.connectionFactory());
        Set<String> keys = redis.keys(prefix + "*");
        assertThat(keys).singleElement().satisfies(key -> {
            assertThat(key).doesNotContain(userId).doesNotContain("jane")
                    .matches(java.util.regex.Pattern.quote(prefix + "lookup:" + NS + ":") + "[0-9a-f]{64}")
                    .isEqualTo(lookups.key(NS, userId));
            assertThat(redis.opsForValue().get(key)).isEqualTo("native-1".getBytes(StandardCharsets.UTF_8));
            assertThat(redis.getExpire(key, TimeUnit.SECONDS)).as("the ttl, in seconds").isBetween(290L, 300L);
        });
    }

    @Test
    void emptyInputsWriteNothing() {
        RedisSharedLookups lookups = lookups(REDIS.connectionFactory());
        lookups.putAll(NS, Map.of(), Duration.ofMinutes(5));
        lookups.putAll(NS, Map.of("user-1", "native-1"), Duration.ZERO);
        assertThat(lookups.getAll(NS, List.of())).isEmpty();
        assertThat(RedisServerExtension.bytesTemplate(REDIS.connectionFactory()).keys(prefix + "*")).isEmpty();
    }

    @Test
    void aStoreThatIsDownAnswersNothingFoundAndNeverThrows() throws IOException {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", unusedPort()),
                LettuceClientConfiguration.builder()
                        .commandTimeout(Duration.ofMillis(500))
                        .clientOptions(ClientOptions.builder()
                                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(500)).build())
                                .build())
                        .build());
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            RedisSharedLookups lookups = lookups(nowhere);
            lookups.getAll(NS, List.of());
            lookups.putAll(NS, Map.of(), Duration.ofMinutes(5));
            assertThat(failures("get") + failures("put")).as("empty inputs make no Redis call").isZero();

            long started = System.nanoTime();
            assertThat(lookups.getAll(NS, List.of("user-1", "user-2"))).isEmpty();
            assertThatCode(() -> lookups.putAll(NS, Map.of("user-1", "native-1"), Duration.ofMinutes(5)))
                    .doesNotThrowAnyException();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(failures("get")).isEqualTo(1.0);
            assertThat(failures("put")).isEqualTo(1.0);
        } finally {
            nowhere.destroy();
        }
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
