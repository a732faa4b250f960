package io.pushsync.sync.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;

/**
 * A body checked while it is read ({@link StreamedChecks}) gets what the checks from its file give, in the same
 * order, and its rows are read again only for ids whose hashes are equal, or when its head was not whole when its
 * rows started.
 */
class StreamedChecksTest {

    private static final int MAX_ROWS = 40;
    private static final String HEAD = """
            "syncId": "nightly", "batchId": "b-1", "connection": {"region": "eu", "appToken": "t0ken"},
            "objectType": "user_profiles", "mode": "upsert\"""";

    private final BatchValidator validator = new BatchValidator(new BatchProperties(5, Duration.ofMinutes(10), 4,
            DataSize.ofBytes(16), DataSize.ofMegabytes(100), 64, 20));
    private final BatchBodyReader reader = BatchBodyReader.defaults();

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            valid, head first                        | {HEAD, "rows": [ROWS]}                                  | 0
            row problems and a duplicate id          | {HEAD, "rows": [ROWS, "not a row", {"id": "r1", "fields": {"user_id": "u"}}, {"id": "x", "change": "added", "fields": {"user_id": "u"}}]} | 1
            a problem of the head and of a row       | {"batchId": "b-1", "objectType": "user_profiles", "mode": "upsert", "connection": {"region": "eu", "appToken": "t"}, "rows": [ROWS, {"id": 7}]} | 0
            more rows than the limit                 | {HEAD, "rows": [ROWS, ROWS]}                            | 0
            an unknown property after the rows       | {HEAD, "rows": [ROWS], "extra": 1}                     | 1
            the object type after the rows           | {"syncId": "s", "batchId": "b", "connection": {"region": "us", "appToken": "t"}, "mode": "add", "rows": [{"id": "a", "change": "added", "fields": {"identifier": "x"}}], "objectType": "list_members", "options": {"listId": 5}} | 1
            rows that are not an array               | {HEAD, "rows": {"id": "r0"}}                            | 0
            no rows                                  | {HEAD}                                                  | 0
            """)
    void theSameAnswerAsFromTheFileWithFewerPasses(String name, String template, int passesWithChecks) {
        String rows = IntStream.range(0, 30).mapToObj(i -> "{\"id\": \"r" + i + "\", \"fields\": {\"user_id\": \"u"
                + i + "\"}}").collect(Collectors.joining(", "));
        byte[] bytes = template.replace("HEAD", HEAD).replace("ROWS", rows).getBytes(StandardCharsets.UTF_8);
        int[] passes = {0};
        Supplier<BatchBodyReader.RowCursor> file = () -> {
            passes[0]++;
            return reader.rows(new ByteArrayInputStream(bytes));
        };

        String fromTheFile = outcome(() -> validator.prepare(BatchValidatorTest.XTREMEPUSH,
                reader.read(new ByteArrayInputStream(bytes), 0), file, MAX_ROWS, "max"));
        int passesFromTheFile = passes[0];
        passes[0] = 0;
        StreamedChecks checks = validator.streamed(BatchValidatorTest.XTREMEPUSH, MAX_ROWS);
        String checkedWhileRead = outcome(() -> validator.prepare(BatchValidatorTest.XTREMEPUSH,
                reader.read(new ByteArrayInputStream(bytes), 0, checks), file, MAX_ROWS, "max", checks));

        assertThat(checkedWhileRead).isEqualTo(fromTheFile);
        assertThat(passes[0]).isEqualTo(passesWithChecks);
        if (passesWithChecks == 0 && fromTheFile.startsWith("head")) {
            assertThat(passesFromTheFile).isEqualTo(1);
        }
    }

    private static String outcome(Supplier<RequestHead> validation) {
        try {
            return "head " + validation.get();
        } catch (InvalidBatchException e) {
            return "400 " + e.violations();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + " " + e.getMessage();
        }
    }
}
