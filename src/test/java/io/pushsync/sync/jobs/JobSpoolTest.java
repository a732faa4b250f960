package io.pushsync.sync.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushsync.sync.intake.BatchBodyReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** The spool directory: stale bodies of a gone instance are deleted at start-up, live ones never; a spool that cannot be written is a 503. */
class JobSpoolTest {

    @TempDir
    Path root;

    private JobSpool spool(Path dir) {
        JobProperties jobs = new JobProperties(100, DataSize.ofMegabytes(1), 1, 1, Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ZERO,
                Duration.ofSeconds(9), 10, 100, 100, 1000, dir, JobProperties.StateWriteRetry.defaults());
        return new JobSpool(new BatchBodyReader(LocalJobServices.JSON), jobs);
    }

    @Test
    void startUpDeletesTheBodiesOfGoneInstancesAndKeepsThoseOfLiveOnesAndAnythingElse() throws Exception {
        Path stale = Files.createDirectories(root.resolve("pushsync-spool-gone"));
        Files.writeString(stale.resolve("job-1.json"), "{}");
        Files.writeString(root.resolve("pushsync-spool-gone.lock"), "");
        Path orphan = Files.createDirectories(root.resolve("pushsync-spool-lockless"));
        Files.writeString(orphan.resolve("job-2.json"), "{}");
        Path unrelated = Files.writeString(root.resolve("notes.txt"), "mine");
        JobSpool live = spool(root);
        SpooledBody body = live.write(new ByteArrayInputStream("{\"rows\": []}".getBytes(StandardCharsets.UTF_8)), null);

        JobSpool next = spool(root);

        assertThat(stale).doesNotExist();
        assertThat(root.resolve("pushsync-spool-gone.lock")).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(unrelated).exists();
        assertThat(body.file()).as("a live instance's body").exists();
        assertThat(body.body().rowCount()).isZero();
        live.destroy();
        next.destroy();
        assertThat(body.file()).doesNotExist();
        try (var left = Files.list(root)) {
            assertThat(left).containsExactly(unrelated);
        }
    }

    @Test
    void aSpoolThatCannotBeWrittenIsAServiceUnavailableWithRetryAfter() throws Exception {
        Path notADirectory = Files.writeString(root.resolve("file"), "x");
        JobSpool spool = spool(notADirectory.resolve("spool"));

        assertThatThrownBy(() -> spool.write(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), null))
                .isInstanceOfSatisfying(JobsBusyException.class, e -> {
                    assertThat(e.reason()).isEqualTo(JobsBusyException.Reason.SPOOL_UNAVAILABLE);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(9));
                    assertThat(e.getMessage()).contains("pushsync.jobs.spool-dir");
                });
    }

    /** The body on disk carries the caller's inline connection: it is encrypted, and read back whole. */
    @Test
    void theBodyIsEncryptedOnDiskAndReadBackWhole() throws Exception {
        String json = "{\"syncId\": \"s\", \"connection\": {\"appToken\": \"spool-secret-4711\", "
                + "\"clientSecret\": \"spool-client-secret-0815\"}, \"rows\": ["
                + "{\"id\": \"r0\", \"fields\": {\"user_id\": \"spool-user-zero\"}}, {\"id\": \"r1\", \"fields\": "
                + "{\"user_id\": \"spool-user-one\"}}]}";
        JobSpool spool = spool(root);
        SpooledBody body = spool.write(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), null);

        String onDisk = new String(Files.readAllBytes(body.file()), StandardCharsets.ISO_8859_1);
        assertThat(onDisk).hasSize(json.length()).doesNotContain("spool-secret-4711")
                .doesNotContain("spool-client-secret-0815").doesNotContain("syncId")
                .doesNotContain("spool-user-zero"); // long markers: random ciphertext never holds them by chance
        try (BatchBodyReader.RowCursor rows = body.rows()) {
            assertThat(rows.next().id().stringValue()).isEqualTo("r0");
            assertThat(rows.next().fields().get("user_id").stringValue()).isEqualTo("spool-user-one");
            assertThat(rows.next()).isNull();
        }
        spool.destroy();
    }
}
