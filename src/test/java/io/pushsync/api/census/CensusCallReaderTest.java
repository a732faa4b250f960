package io.pushsync.api.census;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.DuplicateKeyException;
import io.pushsync.sync.RowFields;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@link CensusCallReader}: a Census call read from a stream, its records in row form. */
class CensusCallReaderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_FIELDS = 5;
    private static final int KEEP = 3;
    private static final String PLAN = "{\"object\":{\"object_api_name\":\"things\"},\"operation\":\"upsert\","
            + "\"schema\":{\"name\":{\"active_identifier\":true,\"field\":{\"field_api_name\":\"name\"}}}}";
    /** The identifier field of a plan as the controller finds it (here: always {@code name}). */
    private static final Function<JsonNode, String> NAME = plan -> "name";

    private final CensusCallReader reader = new CensusCallReader(JSON, MAX_FIELDS, KEEP);

    private CensusCallReader.Call read(String call) {
        return read(call, Set.of("name"));
    }

    /** {@code identifierFields}: the fields a plan of the call can name as the identifier (here {@code name}). */
    private CensusCallReader.Call read(String call, Set<String> identifierFields) {
        return reader.read(new ByteArrayInputStream(call.getBytes(StandardCharsets.UTF_8)), NAME, identifierFields);
    }

    private static String call(String id, String records) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"sync_batch\",\"id\":\"" + id + "\",\"params\":{\"sync_plan\":" + PLAN
                + ",\"records\":" + records + "}}";
    }

    @Test
    void membersInAnyOrderReadTheSame() {
        String records = "[{\"name\":\"a\",\"x\":1},{\"name\":\"b\",\"x\":[1,2]}]";
        CensusCallReader.Call usual = read(call("c1", records));
        CensusCallReader.Call reversed = read("{\"params\":{\"records\":" + records + ",\"sync_plan\":" + PLAN
                + "},\"id\":\"c1\",\"method\":\"sync_batch\",\"jsonrpc\":\"2.0\"}");

        for (CensusCallReader.Call c : List.of(usual, reversed)) {
            assertThat(c.envelope().get("method").asString()).isEqualTo("sync_batch");
            assertThat(c.envelope().get("id").asString()).isEqualTo("c1");
            assertThat(c.envelope().get("jsonrpc").asString()).isEqualTo("2.0");
            assertThat(c.envelope().has("params")).isFalse();
            assertThat(c.params().get("sync_plan")).isEqualTo(JSON.readTree(PLAN));
            assertThat(c.params().has("records")).as("the records are not in the params tree").isFalse();
            assertThat(c.records().isArray()).isTrue();
            assertThat(c.records().allObjects()).isTrue();
            assertThat(c.records().count()).isEqualTo(2);
            assertThat(c.records().kept()).allMatch(r -> r instanceof RowFields);
            assertThat(c.records().kept().get(1).get("x")).isEqualTo(JSON.readTree("[1,2]"));
            assertThat(c.records().value(0, "name").asString()).isEqualTo("a");
            assertThat(c.records().value(1, "name").asString()).isEqualTo("b");
        }
    }

    @Test
    void aRecordOverTheFieldLimitKeepsNoFieldButTheOthersKeepTheirs() {
        String wide = "{\"name\":\"wide\",\"f1\":1,\"f2\":2,\"f3\":3,\"f4\":4,\"f5\":5,\"f6\":6}";
        String records = "[{\"name\":\"a\",\"f1\":1}," + wide + ",{\"name\":\"c\"}]";

        CensusCallReader.Call planFirst = read(call("c1", records));
        CensusCallReader.Records r = planFirst.records();

        assertThat(r.kept()).hasSize(3);
        RowFields over = r.kept().get(1);
        assertThat(over).isEmpty();
        assertThat(over.fieldsSent()).isEqualTo(7);
        assertThat(r.kept().get(0)).containsOnlyKeys("name", "f1");
        assertThat(r.kept().get(2)).containsOnlyKeys("name");
        assertThat(r.value(1, "name").asString()).as("its identifier is kept when the plan came first")
                .isEqualTo("wide");

        String recordsFirstCall = "{\"jsonrpc\":\"2.0\",\"method\":\"sync_batch\",\"id\":\"c1\","
                + "\"params\":{\"records\":" + records + ",\"sync_plan\":" + PLAN + "}}";
        CensusCallReader.Call recordsFirst = read(recordsFirstCall);
        assertThat(recordsFirst.records().kept().get(1)).isEmpty();
        assertThat(recordsFirst.records().kept().get(1).fieldsSent()).isEqualTo(7);
        assertThat(recordsFirst.records().value(1, "name").asString())
                .as("kept before the plan was read: name is a field a plan can name as the identifier")
                .isEqualTo("wide");
        assertThat(recordsFirst.records().value(0, "name").asString()).isEqualTo("a");
        assertThat(recordsFirst.records().value(1, "f1")).as("no other field of it is kept").isNull();

        CensusCallReader.Call otherIdentifiers = read(recordsFirstCall, Set.of("id", "email"));
        assertThat(otherIdentifiers.records().value(1, "name"))
                .as("a field no plan of the connection can name as the identifier is not kept").isNull();
        assertThat(otherIdentifiers.records().value(0, "name").asString()).isEqualTo("a");
    }

    @Test
    void recordsBeyondTheKeptOnesAreCountedNotKept() {
        StringBuilder records = new StringBuilder("[");
        for (int i = 0; i < 10; i++) {
            records.append(i == 0 ? "" : ",").append("{\"name\":\"n").append(i).append("\"}");
        }
        CensusCallReader.Records r = read(call("c1", records.append("]").toString())).records();

        assertThat(r.count()).isEqualTo(10);
        assertThat(r.kept()).hasSize(KEEP);
        assertThat(r.value(KEEP - 1, "name").asString()).isEqualTo("n" + (KEEP - 1));
    }

    @Test
    void recordsThatAreNotAnArrayOrNotObjectsAreSaid() {
        assertThat(read(call("c1", "{\"name\":\"a\"}")).records().isArray()).isFalse();
        assertThat(read(call("c1", "[{\"name\":\"a\"},7]")).records().allObjects()).isFalse();
        CensusCallReader.Call none = read("{\"jsonrpc\":\"2.0\",\"method\":\"list_objects\",\"id\":1,\"params\":{}}");
        assertThat(none.records()).isNull();
        assertThat(none.params().isObject()).isTrue();
    }

    @Test
    void aKeyTwiceAnywhereIsRefusedWithItsPointer() {
        assertThatThrownBy(() -> read(call("c1", "[{\"name\":\"a\"},{\"name\":\"b\",\"x\":1,\"name\":\"c\"}]")))
                .isInstanceOfSatisfying(DuplicateKeyException.class, e -> {
                    assertThat(e.key()).isEqualTo("name");
                    assertThat(e.pointer()).isEqualTo("/params/records/1/name");
                });
        assertThatThrownBy(() -> read("{\"jsonrpc\":\"2.0\",\"params\":{},\"method\":\"a\",\"params\":{},\"id\":1}"))
                .isInstanceOfSatisfying(DuplicateKeyException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/params"));
        assertThatThrownBy(() -> read(call("c1", "[]").replace("\"records\":[]", "\"records\":[],\"records\":[]")))
                .isInstanceOfSatisfying(DuplicateKeyException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/params/records"));
        assertThatThrownBy(() -> read(call("c1", "[]").replace("\"operation\"", "\"object\":1,\"operation\"")))
                .isInstanceOfSatisfying(DuplicateKeyException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/params/sync_plan/object"));
    }

    @Test
    void theDigestIgnoresWhitespaceAndCoversTheIdAndTheRecords() {
        String records = "[{\"name\":\"a\"},{\"name\":\"b\"}]";
        byte[] digest = read(call("c1", records)).digest();

        String spaced = "{ \"jsonrpc\" : \"2.0\",\n \"method\": \"sync_batch\", \"id\": \"c1\", \"params\": {"
                + "\"sync_plan\": " + PLAN + ",\r\n\t\"records\": [ {\"name\": \"a\"} , {\"name\":\"b\"} ] } }\n";
        assertThat(read(spaced).digest()).isEqualTo(digest);
        assertThat(read(call("c2", records)).digest()).isNotEqualTo(digest);
        assertThat(read(call("c1", "[{\"name\":\"a\"},{\"name\":\"B\"}]")).digest()).isNotEqualTo(digest);
        assertThat(read(call("c1", "[{\"name\":\"a b\"}]")).digest())
                .isNotEqualTo(read(call("c1", "[{\"name\":\"ab\"}]")).digest());
    }

    @Test
    void anEmptyBodyIsNoCallAndBrokenJsonFails() {
        assertThat(read("")).isNull();
        assertThat(read("  \n ")).isNull();
        assertThat(read("[1,2]").isObject()).isFalse();
        assertThatThrownBy(() -> read("{\"jsonrpc\": \"2.0\",")).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> read("{\"jsonrpc\": \"2.0\"} {}")).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> read(call("c1", "[{\"name\":\"a\"},"))).isInstanceOf(JacksonException.class);
    }
}
