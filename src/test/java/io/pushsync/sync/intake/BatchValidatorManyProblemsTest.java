package io.pushsync.sync.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * More than 100 request-level problems and a duplicate row id: the streamed (job) validation answers the same 400
 * as the in-memory one instead of failing on its list of problems.
 */
class BatchValidatorManyProblemsTest {
    private static final DestinationDescriptor XP = new DestinationDescriptor("xtremepush", "Xtremepush",
            List.of(ConnectionField.plain("region", "API region", List.of("eu", "us")),
                    ConnectionField.secret("appToken", "App token")),
            List.of(new ObjectTypeDescriptor("user_profiles", "User profiles", List.of("upsert"), List.of(),
                    List.of(RequiredField.of("user_id", "device_id")), List.of("user_id", "email"))));

    @Test
    void overAHundredProblemsAndADuplicateIdAreTheSame400BothWays() {
        BatchValidator validator = new BatchValidator(new BatchProperties(5, Duration.ofMinutes(10), 4,
                DataSize.ofBytes(16), DataSize.ofMegabytes(100), 64, 20));
        StringBuilder extra = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            extra.append("\"x").append(i).append("\":1,");
        }
        String json = "{" + extra + "\"syncId\":\"s\",\"batchId\":\"b\",\"connection\":{\"region\":\"eu\",\"appToken\":\"t\"},"
                + "\"objectType\":\"user_profiles\",\"mode\":\"upsert\",\"rows\":["
                + "{\"id\":\"r1\",\"fields\":{\"user_id\":\"u\",\"email\":\"a@b.c\"}},"
                + "{\"id\":\"r1\",\"fields\":{\"user_id\":\"u\",\"email\":\"a@b.c\"}}]}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        BatchBodyReader reader = BatchBodyReader.defaults();
        Throwable inMemory = catchThrowable(() -> validator.prepare(XP,
                reader.read(new ByteArrayInputStream(bytes), 100), 100, "max"));
        Throwable streamed = catchThrowable(() -> validator.prepare(XP,
                reader.read(new ByteArrayInputStream(bytes), 0), () -> reader.rows(new ByteArrayInputStream(bytes)),
                100, "max"));
        assertThat(inMemory).isInstanceOf(InvalidBatchException.class);
        assertThat(streamed).isInstanceOf(InvalidBatchException.class);
        List<Violation> expected = ((InvalidBatchException) inMemory).violations();
        assertThat(expected).hasSize(101);
        assertThat(expected.get(100).message()).contains("more problems not listed");
        assertThat(((InvalidBatchException) streamed).violations()).isEqualTo(expected);
    }
}
