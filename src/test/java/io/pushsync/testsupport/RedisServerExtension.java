package io.pushsync.testsupport;

import io.pushsync.state.redis.RedisStateConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

/**
 * A Redis server for one test class, on 127.0.0.1 only:
 *
 * <ol>
 *   <li>env {@code PUSHSYNC_TEST_REDIS=host:port}: that server (must be a loopback address);</li>
 *   <li>else a {@code redis-server} binary: the one env {@code PUSHSYNC_REDIS_SERVER=/path/to/redis-server} names
 *       (if that path is not an executable there is no binary: {@code PUSHSYNC_REDIS_SERVER=/nonexistent} simulates a
 *       machine without Redis), otherwise the first on {@code PATH}, otherwise {@code /usr/bin/redis-server}: a private
 *       server on a free port, nothing saved to disk, stopped after the class;</li>
 *   <li>else every test of the class is skipped, each reported as skipped with the reason (a disabling
 *       {@link ExecutionCondition} per test method; the class's own {@code @BeforeAll}/{@code @AfterAll} methods are
 *       not run, since they would need the server), unless env {@code PUSHSYNC_REQUIRE_REDIS=true} (CI): then the
 *       class fails.</li>
 * </ol>
 *
 * (Aborting in {@code beforeAll} instead would make the whole class vanish from the surefire summary:
 * {@code Tests run: 0, Skipped: 0}.)
 * <p>
 * Tests never flush the database (an external server may be shared): each uses its own key prefix
 * ({@link #uniquePrefix()}). Use as {@code @RegisterExtension static final RedisServerExtension REDIS = ...}.
 */
public class RedisServerExtension implements BeforeAllCallback, AfterAllCallback, ExecutionCondition,
        InvocationInterceptor {

    /** Why this class's tests are skipped (no Redis), or null when a server is there. */
    private volatile String skipReason;
    private String host;
    private int port;
    private Process process;
    private Path dir;
    private LettuceConnectionFactory connectionFactory;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        skipReason = null;
        String external = System.getenv("PUSHSYNC_TEST_REDIS");
        if (external != null && !external.isBlank()) {
            int colon = external.lastIndexOf(':');
            host = external.substring(0, colon);
            port = Integer.parseInt(external.substring(colon + 1));
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalStateException("PUSHSYNC_TEST_REDIS must be a loopback address, not " + external);
            }
            awaitPing(5_000);
            return;
        }
        Path binary = findRedisServer();
        if (binary == null) {
            String override = System.getenv("PUSHSYNC_REDIS_SERVER");
            String why = "no Redis for the tests: "
                    + (override != null && !override.isBlank()
                            ? "PUSHSYNC_REDIS_SERVER=" + override + " is not an executable"
                            : "no redis-server on PATH or at /usr/bin")
                    + "; set PUSHSYNC_TEST_REDIS=host:port or install redis-server (apt-get install -y redis-server)";
            if ("true".equalsIgnoreCase(System.getenv("PUSHSYNC_REQUIRE_REDIS"))) {
                throw new IllegalStateException(why + " (PUSHSYNC_REQUIRE_REDIS=true: the Redis tests must run)");
            }
            // not Assumptions.abort here: an aborted class is left out of the surefire summary altogether
            skipReason = why;
            return;
        }
        host = "127.0.0.1";
        port = freePort();
        dir = Files.createTempDirectory("pushsync-redis-test");
        process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--protected-mode", "yes", "--loglevel", "warning"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        awaitPing(10_000);
    }

    /** Each test method is disabled, with the reason, when there is no Redis; the class itself always runs. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = skipReason;
        if (why != null && context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.disabled(why);
        }
        return ConditionEvaluationResult.enabled("Redis for the tests is available or not yet looked for");
    }

    /** Without Redis the class's {@code @BeforeAll} methods (which would use it) are not run. */
    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessSkipped(invocation);
    }

    /** Nor their {@code @AfterAll} counterparts. */
    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessSkipped(invocation);
    }

    private void proceedUnlessSkipped(Invocation<Void> invocation) throws Throwable {
        if (skipReason != null) {
            invocation.skip();
        } else {
            invocation.proceed();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        skipReason = null;
        if (connectionFactory != null) {
            connectionFactory.destroy();
            connectionFactory = null;
        }
        if (process != null) {
            resume(); // a paused server would not end on SIGTERM
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            dir = null;
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** A key prefix of its own: tests never see each other's keys. */
    public static String uniquePrefix() {
        return "pushsync-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** A connection factory to this server, shared by the test class (closed after it). */
    public synchronized LettuceConnectionFactory connectionFactory() {
        if (connectionFactory == null) {
            connectionFactory = newConnectionFactory();
        }
        return connectionFactory;
    }

    /** A connection factory of its own, as another replica would have; the caller destroys it. */
    public LettuceConnectionFactory newConnectionFactory() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /**
     * A connection factory of its own whose commands time out after {@code commandTimeout} (Boot's
     * {@code spring.data.redis.timeout}); the caller destroys it. With {@link #pause()} it makes a command's outcome
     * unknown to the client: the command was sent, the client gave up, the server runs it once resumed.
     */
    public LettuceConnectionFactory newConnectionFactory(Duration commandTimeout) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port),
                LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /**
     * Freezes the private server ({@code SIGSTOP}): connections stay open, commands sent meanwhile wait unanswered
     * until {@link #resume()}. A test using it must resume in a {@code finally}. Skipped (assumption) with an external
     * server ({@code PUSHSYNC_TEST_REDIS}), which the tests must not freeze.
     */
    public void pause() {
        Assumptions.assumeTrue(process != null, "pausing Redis needs a private redis-server, not PUSHSYNC_TEST_REDIS");
        signal("STOP");
    }

    /** Lets a {@link #pause() paused} server run again ({@code SIGCONT}); harmless if it is not paused. */
    public void resume() {
        if (process != null) {
            signal("CONT");
        }
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Keys as strings, values as bytes: the template pushsync's Redis stores use. */
    public static RedisTemplate<String, byte[]> bytesTemplate(LettuceConnectionFactory factory) {
        return RedisStateConfiguration.bytesTemplate(factory);
    }

    private static Path findRedisServer() {
        String override = System.getenv("PUSHSYNC_REDIS_SERVER");
        if (override != null && !override.isBlank()) {
            Path named = Path.of(override);
            return Files.isExecutable(named) && !Files.isDirectory(named) ? named : null;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(d, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        Path usual = Path.of("/usr/bin/redis-server");
        return Files.isExecutable(usual) ? usual : null;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitPing(long timeoutMillis) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMillis;
        IOException last = null;
        while (System.currentTimeMillis() < until) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("redis-server exited at once; see " + dir.resolve("redis.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[16];
                int n = in.read(buf);
                if (n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Redis at " + host + ":" + port + " did not answer PING in "
                + timeoutMillis + " ms", last);
    }
}
