package io.pushsync.sync.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BatchBodyReaderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final BatchBodyReader reader = new BatchBodyReader(JSON);

    private BatchBody read(String body, int keepRows) {
        return reader.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), keepRows);
    }

    @Test
    void theIdsAloneAreReadWithTheRestOfEachRowSkipped() {
        String body = """
                {"syncId": "s", "rows": [
                  {"fields": {"id": "not this", "a": [1, {"id": "nor this"}]}, "id": "a"},
                  {"id": "b", "change": "added"},
                  {"id": 7},
                  "not an object",
                  {"id": "e"}]}""";
        try (BatchBodyReader.RowCursor rows = reader.rows(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))) {
            assertThat(rows.nextId()).isEqualTo("a");
            assertThat(rows.nextId()).isEqualTo("b");
            assertThat(rows.nextId()).as("not a string").isNull();
            assertThat(rows.nextId()).isNull();
            assertThat(rows.nextId()).isEqualTo("e");
            assertThat(rows.index()).isEqualTo(4);
            assertThatThrownBy(rows::nextId).isInstanceOf(java.util.NoSuchElementException.class);
        }
    }

    @Test
    void rowsAreReadWithTheirFieldsInOrderAndTheRestIsAHead() {
        BatchBody body = read("""
                {"syncId": "s", "rows": [
                  {"id": "a", "fields": {"b": 1, "a": "x", "c": null, "d": {"n": [1, 2]}, "e": 12345678901}},
                  {"id": "b", "change": "added", "fields": {"b": 3, "a": "y"}, "extra": 1},
                  7,
                  {"id": "c", "fields": "not an object"}],
                 "objectType": "user_profiles"}""", 100);

        assertThat(body.head().propertyNames()).containsExactly("syncId", "objectType");
        assertThat(body.rowCount()).isEqualTo(4);
        BatchBody.RawRow first = body.rows().get(0);
        assertThat(first.id().stringValue()).isEqualTo("a");
        assertThat(first.fields().keySet()).containsExactly("b", "a", "c", "d", "e");
        assertThat(first.fields().get("c").isNull()).isTrue();
        assertThat(first.fields().get("d")).isEqualTo(JSON.readTree("{\"n\": [1, 2]}"));
        assertThat(first.fields().get("e").longValue()).isEqualTo(12345678901L);
        assertThat(first.fields().withoutNulls().keySet()).containsExactly("b", "a", "d", "e");
        Map<String, JsonNode> expected = new LinkedHashMap<>();
        expected.put("b", JSON.readTree("3"));
        expected.put("a", JSON.readTree("\"y\""));
        BatchBody.RawRow second = body.rows().get(1);
        assertThat(second.fields()).as("the names in their order").isEqualTo(expected);
        assertThat(second.change().stringValue()).isEqualTo("added");
        assertThat(second.unknown()).containsExactly("extra");
        assertThat(body.rows().get(2).object()).isFalse();
        assertThat(body.rows().get(3).fields()).isNull();
    }

    @Test
    void rowsBeyondTheLimitAreCountedButNotKept() {
        BatchBody body = read("{\"rows\": [{\"id\": \"a\", \"fields\": {}}, {\"id\": \"b\", \"fields\": {}}, 3]}", 1);
        assertThat(body.rowCount()).isEqualTo(3);
        assertThat(body.rows()).hasSize(1);
    }

    @Test
    void theDigestIgnoresFormattingButNotContent() {
        String compact = "{\"syncId\":\"s\",\"rows\":[{\"id\":\"a b\",\"fields\":{\"x\":\"1 2\"}}]}";
        String pretty = "{\n  \"syncId\" : \"s\",\n\t\"rows\": [ {\"id\": \"a b\", \"fields\": {\"x\": \"1 2\"} } ]\n}\n";
        String otherSpaceInAString = "{\"syncId\":\"s\",\"rows\":[{\"id\":\"a b\",\"fields\":{\"x\":\"1  2\"}}]}";
        String escapedQuote = "{\"syncId\":\"s \\\" \",\"rows\":[]}";
        String escapedQuoteOtherSpace = "{\"syncId\":\"s \\\"  \",\"rows\":[]}";

        assertThat(read(compact, 10).digest()).isEqualTo(read(pretty, 10).digest());
        assertThat(read(compact, 10).digest()).isNotEqualTo(read(otherSpaceInAString, 10).digest());
        assertThat(read(escapedQuote, 10).digest()).as("an escaped quote does not end the string")
                .isNotEqualTo(read(escapedQuoteOtherSpace, 10).digest());
        assertThat(reader.of(JSON.readTree(pretty)).digest()).as("a tree digests like the same body sent")
                .isEqualTo(read(compact, 10).digest());
    }

    @Test
    void anEmptyBodyAndTrailingOrBrokenContentAreRefused() {
        assertThatThrownBy(() -> read("", 10)).isInstanceOf(MissingBodyException.class);
        assertThatThrownBy(() -> read("{\"rows\": []} {}", 10)).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> read("{\"rows\": [{\"id\": }]}", 10)).isInstanceOf(JacksonException.class);
        assertThat(read("[1, 2]", 10).isObject()).isFalse();
    }

    @Test
    void aCursorReadsTheSameRowsOneAtATimeAndTwoRowsPropertiesAreRefused() {
        String text = """
                {"syncId": "s", "head": {"rows": [9]}, "rows": [{"id": "a", "fields": {"x": 1}}, 7,
                 {"id": "b", "fields": {"x": 2}}], "mode": "upsert"}""";
        BatchBody kept = read(text, 100);
        try (BatchBodyReader.RowCursor cursor = reader.rows(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            for (BatchBody.RawRow expected : kept.rows()) {
                assertThat(cursor.next()).isEqualTo(expected);
            }
            assertThat(cursor.index()).isEqualTo(2);
            assertThat(cursor.next()).isNull();
        }
        assertThat(read(text, 0).rows()).isEmpty();
        assertThat(read(text, 0).rowCount()).isEqualTo(3);

        assertThatThrownBy(() -> read("{\"rows\": [], \"rows\": [{\"id\": \"a\"}]}", 10))
                .isInstanceOf(InvalidBatchException.class).hasMessageContaining("duplicate key 'rows'");
    }
}
