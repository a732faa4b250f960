package io.pushsync.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.opentest4j.TestAbortedException;

/** The jar Maven packaged, for the integration tests that start it in a JVM of their own. */
public final class PackagedJar {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PackagedJar() {
    }

    /**
     * Polls {@code base}{@code /actuator/health/readiness} every 200 ms until it answers 200 (true), or the process
     * ends, or {@code timeout} passes (false).
     */
    public static boolean awaitReady(Process process, String base, Duration timeout) throws InterruptedException {
        HttpRequest readiness = HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (HTTP.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Failsafe's {@code pushsync.jar}; without it (a test run outside {@code ./mvnw verify}) the test is aborted. */
    public static Path path() {
        Path jar = Path.of(System.getProperty("pushsync.jar", "target/none.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new TestAbortedException("no packaged jar at " + jar + ": run through ./mvnw verify");
        }
        return jar;
    }
}
