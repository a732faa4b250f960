package io.pushsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's test JVM (figures 1, 2, 5 and 6, in process) runs the collector of the image, as figure 7's jar
 * does: with another one the figures would measure a service that does not ship.
 */
class BenchmarkCollectorTest {

    @Test
    void theBenchmarkProfileRunsTheCollectorOfTheImage() throws Exception {
        String collector = StartupBenchmark.imageCollector(Path.of("Dockerfile"));
        assertThat(collector).as("the ENTRYPOINT chooses a collector").matches("-XX:\\+Use\\w+GC");

        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<bench.test-gc>" + collector + "</bench.test-gc>")
                .contains("<argLine>-Xms2g -Xmx2g ${bench.test-gc} ${bench.test-jvm-args}</argLine>");
    }
}
