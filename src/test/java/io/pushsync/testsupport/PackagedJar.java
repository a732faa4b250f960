package io.pushsync.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.TestAbortedException;

/** The jar Maven packaged, for the integration tests that start it in a JVM of their own. */
public final class PackagedJar {

    private PackagedJar() {
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
