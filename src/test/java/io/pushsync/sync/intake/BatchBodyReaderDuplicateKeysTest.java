package io.pushsync.sync.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A key given twice in any object of a request is refused (issue: hostile input), not "the last one wins": an
 * {@link InvalidBatchException} (a 400) whose message names the key and whose pointer is its second occurrence, from
 * a read keeping the rows, from a cursor over them, and from {@link BatchBodyReader#tree}.
 */
class BatchBodyReaderDuplicateKeysTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final BatchBodyReader reader = new BatchBodyReader(JSON, 5);

    private static ByteArrayInputStream stream(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertDuplicate(Throwable thrown, String key, String pointer) {
        assertThat(thrown).isInstanceOf(InvalidBatchException.class)
                .hasMessageContaining("duplicate key '" + key + "'");
        assertThat(((InvalidBatchException) thrown).violations()).singleElement()
                .satisfies(v -> assertThat(v.pointer()).isEqualTo(pointer));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "syncId twice           | {\"syncId\": \"a\", \"rows\": [], \"syncId\": \"b\"}                            | syncId  | /syncId",
            "rows twice             | {\"rows\": [], \"rows\": [{\"id\": \"a\"}]}                                     | rows    | /rows",
            "in the connection      | {\"connection\": {\"key\": \"a\", \"key\": \"b\"}, \"rows\": []}                | key     | /connection/key",
            "deep in options        | {\"options\": {\"o\": [1, {\"k\": 1, \"j\": 2, \"k\": {}}]}, \"rows\": []}      | k       | /options/o/1/k",
            "id twice in a row      | {\"rows\": [{\"id\": \"a\", \"fields\": {}}, {\"id\": \"b\", \"id\": \"c\"}]}    | id      | /rows/1/id",
            "change twice in a row  | {\"rows\": [{\"id\": \"a\", \"change\": null, \"change\": \"added\"}]}         | change  | /rows/0/change",
            "fields twice in a row  | {\"rows\": [{\"id\": \"a\", \"fields\": {\"x\": 1}, \"fields\": {\"y\": 2}}]}  | fields  | /rows/0/fields",
            "a field twice          | {\"rows\": [{\"id\": \"a\", \"fields\": {\"x\": 1, \"y\": 2, \"x\": 3}}]}     | x       | /rows/0/fields/x",
            "after a known shape    | {\"rows\": [{\"fields\": {\"x\": 1, \"y\": 2}}, {\"fields\": {\"x\": 1, \"y\": 2, \"x\": {}}}]} | x | /rows/1/fields/x",
            "an object value twice  | {\"rows\": [{\"fields\": {\"x\": {\"a\": 1}, \"x\": {\"a\": 1}}}]}           | x       | /rows/0/fields/x",
            "inside a field value   | {\"rows\": [{\"fields\": {\"x\": {\"a\": [{\"b\": 1, \"b\": 1}]}}}]}         | b       | /rows/0/fields/x/a/0/b",
            "past the field limit   | {\"rows\": [{\"fields\": {\"a\": 1, \"b\": 1, \"c\": 1, \"d\": 1, \"e\": 1, \"f\": 1, \"g\": 1, \"b\": 1}}]} | b | /rows/0/fields/b",
            "escaped in the pointer | {\"rows\": [{\"fields\": {\"a/b~c\": 1, \"a/b~c\": 2}}]}                        | a/b~c   | /rows/0/fields/a~1b~0c",
    })
    void aRepeatedKeyIsRefusedNamingIt(String what, String body, String key, String pointer) {
        assertDuplicate(catchThrowable(() -> reader.read(stream(body), 100)), key, pointer);
        if (pointer.startsWith("/rows/")) {
            // a job reads its rows later, through a cursor: the same refusal there
            assertThat(reader.read(stream(body), 0).rowCount()).isPositive();
            assertDuplicate(catchThrowable(() -> {
                try (BatchBodyReader.RowCursor rows = reader.rows(stream(body))) {
                    while (rows.next() != null) {
                        // reading is the check
                    }
                }
            }), key, pointer);
        }
        assertDuplicate(catchThrowable(() -> reader.tree(body.getBytes(StandardCharsets.UTF_8))), key, pointer);
    }

    @Test
    void aRowWithManyNamesFindsARepeatFarFromTheFirst() {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            fields.append("\"f").append(i).append("\": ").append(i).append(", ");
        }
        String ok = "{\"rows\": [{\"id\": \"a\", \"fields\": {" + fields + "\"last\": 1}}]}";
        String twice = "{\"rows\": [{\"id\": \"a\", \"fields\": {" + fields + "\"last\": 1}}, {\"id\": \"b\", "
                + "\"fields\": {" + fields + "\"f3\": 1}}]}";
        BatchBodyReader unlimited = new BatchBodyReader(JSON);

        assertThat(unlimited.read(stream(ok), 10).rows().get(0).fields()).hasSize(41);
        assertDuplicate(catchThrowable(() -> unlimited.read(stream(twice), 10)), "f3", "/rows/1/fields/f3");
        assertDuplicate(catchThrowable(() -> reader.read(stream(twice), 10)), "f3", "/rows/1/fields/f3");
    }

    @Test
    void equalValuesUnderDifferentKeysAndEqualKeysInDifferentObjectsAreFine() {
        String body = """
                {"syncId": "s", "connection": {"key": "k"}, "options": {"key": "k"},
                 "rows": [{"id": "a", "fields": {"x": {"x": {"x": 1}}, "y": [{"x": 1}, {"x": 1}]}},
                          {"id": "b", "fields": {"y": 1, "x": 1}}, {"id": "c", "fields": {"x": 1, "y": 1}}]}""";
        BatchBody read = reader.read(stream(body), 10);
        assertThat(read.rows()).hasSize(3);
        assertThat(read.rows().get(0).fields().get("y")).isEqualTo(JSON.readTree("[{\"x\": 1}, {\"x\": 1}]"));
        assertThat(reader.tree(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(JSON.readTree(body));
    }
}
