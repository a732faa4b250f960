package io.pushsync.sync.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.OptionDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import io.pushsync.sync.connections.NamedConnections;
import io.pushsync.sync.connections.NamedConnectionsProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import io.pushsync.sync.Change;
import io.pushsync.sync.Connection;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.NullHandling;
import io.pushsync.sync.PreparedBatch;
import io.pushsync.sync.RowError;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;

class BatchValidatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "s3cr3t-app-token-value";

    /** The shape of the Xtremepush catalog entry (the core must not import the adapter); also for other tests here. */
    static final DestinationDescriptor XTREMEPUSH = new DestinationDescriptor("xtremepush", "Xtremepush",
            List.of(ConnectionField.plain("region", "API region", List.of("eu", "us")),
                    ConnectionField.secret("appToken", "App token")),
            List.of(new ObjectTypeDescriptor("user_profiles", "User profiles", List.of("upsert"), List.of(),
                            List.of(RequiredField.of("user_id", "device_id")), List.of("user_id", "email")),
                    new ObjectTypeDescriptor("list_members", "List members",
                            List.of("add", "remove", "mirror", "upsert"),
                            List.of(OptionDescriptor.positiveInteger("listId", true, "list id")),
                            List.of(RequiredField.of("identifier")), List.of("identifier"))));

    private final Validating validator =
            new Validating(new BatchProperties(5, Duration.ofMinutes(10), 4, DataSize.ofBytes(16),
                    DataSize.ofMegabytes(100), 64, 20), NamedConnections.none());

    /**
     * A validator with its row limit that also takes bodies given as trees, read as a stream's tokens are (as the
     * services read theirs).
     */
    private record Validating(BatchValidator validator, int maxRows) {
        Validating(BatchProperties limits, NamedConnections named) {
            this(new BatchValidator(limits, named), limits.maxRows());
        }

        PreparedBatch prepare(DestinationDescriptor d, JsonNode body) {
            return validator.prepare(d, BatchBodyReader.defaults().of(body), maxRows, "pushsync.batch.max-rows");
        }

        PreparedBatch prepare(DestinationDescriptor d, BatchBody body, int maxRows, String maxRowsKey) {
            return validator.prepare(d, body, maxRows, maxRowsKey);
        }

        RequestHead prepare(DestinationDescriptor d, BatchBody body,
                java.util.function.Supplier<BatchBodyReader.RowCursor> rows, int maxRows, String maxRowsKey) {
            return validator.prepare(d, body, rows, maxRows, maxRowsKey);
        }

        PreparedBatch window(RequestHead head, BatchBodyReader.RowCursor cursor, int count) {
            return validator.window(head, cursor, count);
        }

        io.pushsync.sync.Connection connectionOnly(DestinationDescriptor d, JsonNode body) {
            return validator.connectionOnly(d, body);
        }
    }

    private static ObjectNode profiles(String rowsJson) {
        return (ObjectNode) JSON.readTree("""
                {"syncId": "nightly", "batchId": "b-1",
                 "connection": {"region": "eu", "appToken": "%s"},
                 "objectType": "user_profiles", "mode": "upsert", "rows": %s}""".formatted(SECRET, rowsJson));
    }

    private static ObjectNode listMembers(String mode, String rowsJson) {
        return (ObjectNode) JSON.readTree("""
                {"syncId": "nightly", "batchId": "b-1",
                 "connection": {"region": "us", "appToken": "%s"},
                 "objectType": "list_members", "mode": "%s", "options": {"listId": 123}, "rows": %s}"""
                .formatted(SECRET, mode, rowsJson));
    }

    private List<String> violationPointers(JsonNode body) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> validator.prepare(XTREMEPUSH, body));
        assertThat(thrown).isInstanceOf(InvalidBatchException.class);
        return ((InvalidBatchException) thrown).violations().stream().map(Violation::pointer).toList();
    }

    @Test
    void validProfileBatchIsPrepared() {
        PreparedBatch batch = validator.prepare(XTREMEPUSH, profiles("""
                [{"id": "r1", "fields": {"user_id": "u1", "email": "a@example.com"}},
                 {"id": "r2", "fields": {"device_id": "d2", "first_name": "B"}}]"""));

        SyncRequest request = batch.request();
        assertThat(request.destination()).isEqualTo("xtremepush");
        assertThat(request.syncId()).isEqualTo("nightly");
        assertThat(request.batchId()).isEqualTo("b-1");
        assertThat(request.objectType()).isEqualTo("user_profiles");
        assertThat(request.mode()).isEqualTo("upsert");
        assertThat(request.connection().value("region")).isEqualTo("eu");
        assertThat(request.connection().secret("appToken").reveal()).isEqualTo(SECRET);
        assertThat(request.options().nulls()).isEqualTo(NullHandling.IGNORE);
        assertThat(request.rows()).extracting(SyncRow::index, SyncRow::id).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, "r1"), org.assertj.core.groups.Tuple.tuple(1, "r2"));
        assertThat(batch.ids()).containsExactly("r1", "r2");
        assertThat(batch.rowFailures()).isEmpty();
    }

    // ---- request-level violations ----

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /syncId                | syncId missing
            /syncId                | syncId blank
            /syncId                | syncId number
            /syncId                | syncId too long
            /batchId               | batchId missing
            /batchId               | batchId empty
            /connection            | connection missing
            /connection            | connection string
            /connection/region     | region missing
            /connection/region     | region unknown
            /connection/appToken   | appToken missing
            /connection/appToken   | appToken blank
            /connection/appToken   | appToken number
            /connection/extra      | unknown connection field
            /objectType            | objectType missing
            /objectType            | objectType unknown
            /mode                  | mode missing
            /mode                  | mode unknown for objectType
            /options               | options not object
            /options/unknown       | unknown option
            /options/nulls         | bad nulls option
            /extra                 | unknown top-level property
            /rows                  | rows missing
            /rows/0                | row not object
            /rows/0/id             | row id missing
            /rows/0/id             | row id too long
            /rows/0/extra          | unknown row property
            /rows/0/fields         | fields missing
            /rows/0/fields         | fields not object
            /rows/0/change         | change outside mirror
            """)
    void profileRequestViolation(String pointer, String mutation) {
        ObjectNode body = profiles("[{\"id\": \"r1\", \"fields\": {\"user_id\": \"u1\", \"first_name\": \"A\"}}]");
        ObjectNode row = (ObjectNode) body.get("rows").get(0);
        ObjectNode connection = (ObjectNode) body.get("connection");
        switch (mutation) {
            case "syncId missing" -> body.remove("syncId");
            case "syncId blank" -> body.put("syncId", "  ");
            case "syncId number" -> body.put("syncId", 7);
            case "syncId too long" -> body.put("syncId", "x".repeat(201));
            case "batchId missing" -> body.putNull("batchId");
            case "batchId empty" -> body.put("batchId", "");
            case "connection missing" -> body.remove("connection");
            case "connection string" -> body.put("connection", "eu:token");
            case "region missing" -> connection.remove("region");
            case "region unknown" -> connection.put("region", "ap");
            case "appToken missing" -> connection.remove("appToken");
            case "appToken blank" -> connection.put("appToken", " ");
            case "appToken number" -> connection.put("appToken", 12345);
            case "unknown connection field" -> connection.put("extra", "x");
            case "objectType missing" -> body.remove("objectType");
            case "objectType unknown" -> body.put("objectType", "users");
            case "mode missing" -> body.remove("mode");
            case "mode unknown for objectType" -> body.put("mode", "mirror");
            case "options not object" -> body.put("options", "none");
            case "unknown option" -> body.putObject("options").put("unknown", 1);
            case "bad nulls option" -> body.putObject("options").put("nulls", "drop");
            case "unknown top-level property" -> body.put("extra", true);
            case "rows missing" -> body.remove("rows");
            case "row not object" -> ((ArrayNode) body.get("rows")).set(0, JSON.readTree("\"r1\""));
            case "row id missing" -> row.remove("id");
            case "row id too long" -> row.put("id", "i".repeat(257));
            case "unknown row property" -> row.put("extra", 1);
            case "fields missing" -> row.remove("fields");
            case "fields not object" -> row.putArray("fields").add("user_id");
            case "change outside mirror" -> row.put("change", "added");
            default -> throw new IllegalArgumentException(mutation);
        }
        assertThat(violationPointers(body)).containsExactly(pointer);
    }

    @Test
    void listIdIsRequiredAndPositive() {
        ObjectNode missing = listMembers("add", "[{\"id\": \"r1\", \"fields\": {\"identifier\": \"a@b.c\"}}]");
        missing.remove("options");
        assertThat(violationPointers(missing)).containsExactly("/options/listId");

        for (String bad : List.of("0", "-4", "1.5", "\"123\"", "true")) {
            ObjectNode body = listMembers("add", "[{\"id\": \"r1\", \"fields\": {\"identifier\": \"a@b.c\"}}]");
            ((ObjectNode) body.get("options")).set("listId", JSON.readTree(bad));
            assertThat(violationPointers(body)).as("listId %s", bad).containsExactly("/options/listId");
        }
    }

    @Test
    void unknownOptionOfListMembersIsNamed() {
        ObjectNode body = listMembers("add", "[{\"id\": \"r1\", \"fields\": {\"identifier\": \"a@b.c\"}}]");
        ((ObjectNode) body.get("options")).put("unknown", "x");
        assertThat(violationPointers(body)).containsExactly("/options/unknown");
    }

    @Test
    void duplicateRowIdPointsAtTheSecondOccurrence() {
        List<String> pointers = violationPointers(profiles("""
                [{"id": "r1", "fields": {"user_id": "u1"}},
                 {"id": "r1", "fields": {"user_id": "u2"}},
                 {"id": "r3", "fields": {"user_id": "u3"}}]"""));
        assertThat(pointers).containsExactly("/rows/1/id");
    }

    @Test
    void aRequestReadRowByRowFromAStreamGetsTheSameProblemsInTheSameOrderAsInMemory() {
        ObjectNode body = profiles("[]");
        body.put("extra", true);
        ArrayNode rows = (ArrayNode) body.get("rows");
        for (int i = 0; i < 3000; i++) {
            rows.addObject().put("id", "r" + i).putObject("fields").put("user_id", "u" + i);
        }
        rows.set(3, JSON.getNodeFactory().stringNode("not a row"));
        ((ObjectNode) rows.get(17)).remove("fields");
        ((ObjectNode) rows.get(2500)).put("id", "r1");
        ((ObjectNode) rows.get(2999)).put("id", "r17");
        ((ObjectNode) rows.get(40)).put("change", "added");
        List<Violation> inMemory = violations(() -> validator.prepare(XTREMEPUSH, BatchBodyReader.defaults().of(body),
                100_000, "max"));
        assertThat(inMemory).extracting(Violation::pointer)
                .containsExactly("/extra", "/rows/3", "/rows/17/fields", "/rows/40/change", "/rows/2500/id",
                        "/rows/2999/id");
        assertThat(inMemory.get(4).message()).isEqualTo("duplicate row id 'r1' (first used at /rows/1)");

        int[] passes = {0};
        byte[] bytes = JSON.writeValueAsBytes(body);
        BatchBodyReader reader = BatchBodyReader.defaults();
        List<Violation> streamed = violations(() -> validator.prepare(XTREMEPUSH,
                reader.read(new java.io.ByteArrayInputStream(bytes), 0), () -> {
                    passes[0]++;
                    return reader.rows(new java.io.ByteArrayInputStream(bytes));
                }, 100_000, "max"));
        assertThat(streamed).isEqualTo(inMemory);
        assertThat(passes[0]).as("a second pass, for the ids whose hashes are equal").isEqualTo(2);
    }

    @Test
    void aStreamedRequestWithoutDuplicatesIsReadOnceAndThenWindowByWindow() {
        ObjectNode body = profiles("[]");
        ArrayNode rows = (ArrayNode) body.get("rows");
        for (int i = 0; i < 25; i++) {
            rows.addObject().put("id", "r" + i).putObject("fields").put(i == 12 ? "email" : "user_id", "u" + i);
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        BatchBodyReader reader = BatchBodyReader.defaults();
        int[] passes = {0};
        RequestHead head = validator.prepare(XTREMEPUSH, reader.read(new java.io.ByteArrayInputStream(bytes), 0),
                () -> {
                    passes[0]++;
                    return reader.rows(new java.io.ByteArrayInputStream(bytes));
                }, 100, "max");
        assertThat(passes[0]).isEqualTo(1);
        assertThat(head.rowCount()).isEqualTo(25);
        assertThat(head.connection().toString()).doesNotContain(SECRET);

        try (BatchBodyReader.RowCursor cursor = reader.rows(new java.io.ByteArrayInputStream(bytes))) {
            PreparedBatch first = validator.window(head, cursor, 10);
            PreparedBatch second = validator.window(head, cursor, 10);
            PreparedBatch last = validator.window(head, cursor, 10);
            assertThat(validator.window(head, cursor, 10).ids()).isEmpty();
            assertThat(first.ids()).containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "r" + i).toList());
            assertThat(second.request().rows()).extracting(SyncRow::index)
                    .as("a window's rows are indexed from 0; row 12 (its 2) fails its row check")
                    .containsExactly(0, 1, 3, 4, 5, 6, 7, 8, 9);
            assertThat(second.request().rows().get(0).id()).isEqualTo("r10");
            assertThat(second.rowFailures()).containsOnlyKeys(2);
            assertThat(second.rowFailures().get(2).code()).isEqualTo("missing_required_field");
            assertThat(last.ids()).containsExactly("r20", "r21", "r22", "r23", "r24");
            assertThat(last.request().syncId()).isEqualTo("nightly");
        }
    }

    private static List<Violation> violations(Runnable validation) {
        try {
            validation.run();
        } catch (InvalidBatchException e) {
            return e.violations();
        }
        throw new AssertionError("expected an InvalidBatchException");
    }

    @ParameterizedTest(name = "[{index}] change {0}")
    @CsvSource(textBlock = """
            '"change": null,'
            '"change": "deleted",'
            '"change": 1,'
            ''
            """)
    void changeIsRequiredInMirrorMode(String change) {
        assertThat(violationPointers(listMembers("mirror",
                "[{\"id\": \"r1\", " + change + " \"fields\": {\"identifier\": \"a@b.c\"}}]")))
                .containsExactly("/rows/0/change");
    }

    @ParameterizedTest(name = "[{index}] mode {0}")
    @CsvSource({"add", "remove", "upsert"})
    void changeIsRejectedOutsideMirrorMode(String mode) {
        assertThat(violationPointers(listMembers(mode,
                "[{\"id\": \"r1\", \"change\": \"removed\", \"fields\": {\"identifier\": \"a@b.c\"}}]")))
                .containsExactly("/rows/0/change");
    }

    @Test
    void mirrorRowsCarryTheirChange() {
        PreparedBatch batch = validator.prepare(XTREMEPUSH, listMembers("mirror", """
                [{"id": "r1", "change": "added", "fields": {"identifier": "a@b.c"}},
                 {"id": "r2", "change": "changed", "fields": {"identifier": "b@b.c"}},
                 {"id": "r3", "change": "removed", "fields": {"identifier": "c@b.c"}}]"""));
        assertThat(batch.request().rows()).extracting(SyncRow::change)
                .containsExactly(Change.ADDED, Change.CHANGED, Change.REMOVED);
        assertThat(batch.request().rows()).extracting(r -> r.isRemoval("mirror")).containsExactly(false, false, true);
        assertThat(batch.request().options().longValue("listId")).isEqualTo(123L);
    }

    @Test
    void allViolationsAreReportedTogether() {
        ObjectNode body = profiles("""
                [{"id": "r1", "fields": {"user_id": "u1"}}, {"id": "r1", "fields": 3}]""");
        body.remove("syncId");
        ((ObjectNode) body.get("connection")).put("region", "mars");
        assertThat(violationPointers(body))
                .containsExactly("/syncId", "/connection/region", "/rows/1/id", "/rows/1/fields");
    }

    @Test
    void bodyThatIsNotAnObjectIsRejected() {
        assertThat(violationPointers(JSON.readTree("[1, 2]"))).containsExactly("");
        assertThatThrownBy(() -> validator.prepare(XTREMEPUSH, null)).isInstanceOf(InvalidBatchException.class);
    }

    @Test
    void tooManyRowsIsBatchTooLarge() {
        String rows = IntStream.range(0, 6)
                .mapToObj(i -> "{\"id\": \"r" + i + "\", \"fields\": {\"user_id\": \"u" + i + "\"}}")
                .collect(Collectors.joining(",", "[", "]"));
        assertThatThrownBy(() -> validator.prepare(XTREMEPUSH, profiles(rows)))
                .isInstanceOf(BatchTooLargeException.class)
                .hasMessageContaining("6 rows")
                .hasMessageContaining("at most 5");
    }

    @Test
    void exactlyMaxRowsIsAccepted() {
        String rows = IntStream.range(0, 5)
                .mapToObj(i -> "{\"id\": \"r" + i + "\", \"fields\": {\"user_id\": \"u" + i + "\"}}")
                .collect(Collectors.joining(",", "[", "]"));
        assertThat(validator.prepare(XTREMEPUSH, profiles(rows)).request().rows()).hasSize(5);
    }

    // ---- row-level problems ----

    private final Validating roomy =
            new Validating(new BatchProperties(100, Duration.ofMinutes(10), 4, DataSize.ofBytes(16),
                    DataSize.ofMegabytes(100), 64, 20), NamedConnections.none());

    @Test
    void rowProblemsOfALargeBatchAreFoundInEveryBlockAndKeptInRowOrder() {
        Validating large = new Validating(new BatchProperties(20_000, Duration.ofMinutes(10), 4, DataSize.ofBytes(16),
                DataSize.ofMegabytes(100), 64, 20), NamedConnections.none());
        List<Integer> bad = List.of(0, 4095, 4096, 9_000, 12_287, 12_288, 19_999);
        String rows = IntStream.range(0, 20_000)
                .mapToObj(i -> bad.contains(i) ? "{\"id\": \"r" + i + "\", \"fields\": {\"first_name\": \"x\"}}"
                        : "{\"id\": \"r" + i + "\", \"fields\": {\"user_id\": \"u" + i + "\"}}")
                .collect(Collectors.joining(",", "[", "]"));

        PreparedBatch batch = large.prepare(XTREMEPUSH, profiles(rows));

        assertThat(batch.rowFailures().keySet()).containsExactlyElementsOf(bad);
        assertThat(batch.rowFailures().values()).extracting(RowError::code).containsOnly("missing_required_field");
        assertThat(batch.request().rows()).hasSize(20_000 - bad.size());
        assertThat(batch.request().rows()).extracting(SyncRow::index).isSorted().doesNotContainAnyElementsOf(bad);
        assertThat(batch.ids()).hasSize(20_000).startsWith("r0", "r1").endsWith("r19999");
    }

    @Test
    void rowProblemsFailOnlyThoseRows() {
        PreparedBatch batch = roomy.prepare(XTREMEPUSH, profiles("""
                [{"id": "ok-user", "fields": {"user_id": "u1", "first_name": "A"}},
                 {"id": "no-id", "fields": {"first_name": "B"}},
                 {"id": "ok-device", "fields": {"device_id": "d3"}},
                 {"id": "blank-id", "fields": {"user_id": "   ", "device_id": ""}},
                 {"id": "null-id", "fields": {"user_id": null, "first_name": "C"}},
                 {"id": "wide", "fields": {"user_id": "u6", "a": 1, "b": 2, "c": 3, "d": 4}},
                 {"id": "long", "fields": {"user_id": "u7", "note": "12345678901234567"}},
                 {"id": "ok-limits", "fields": {"user_id": "u8", "a": 1, "b": 2, "note": "1234567890123456"}},
                 {"id": "multibyte", "fields": {"user_id": "u9", "note": "ééééééééé"}},
                 {"id": "blank-name", "fields": {"user_id": "u10", " ": 1}}]"""));

        assertThat(batch.ids()).containsExactly("ok-user", "no-id", "ok-device", "blank-id", "null-id", "wide",
                "long", "ok-limits", "multibyte", "blank-name");
        assertThat(batch.request().rows()).extracting(SyncRow::id)
                .containsExactly("ok-user", "ok-device", "ok-limits");
        assertThat(batch.request().rows()).extracting(SyncRow::index).containsExactly(0, 2, 7);
        assertThat(batch.rowFailures()).containsOnlyKeys(1, 3, 4, 5, 6, 8, 9);

        assertThat(batch.rowFailures().get(1)).extracting(RowError::code, RowError::field, RowError::retryable)
                .containsExactly("missing_required_field", "user_id", false);
        assertThat(batch.rowFailures().get(1).message()).contains("user_id").contains("device_id");
        assertThat(batch.rowFailures().get(3).code()).as("blank strings count as missing")
                .isEqualTo("missing_required_field");
        assertThat(batch.rowFailures().get(4).code()).as("a null identifier is dropped, so missing")
                .isEqualTo("missing_required_field");
        assertThat(batch.rowFailures().get(5)).extracting(RowError::code, RowError::field)
                .containsExactly("invalid_field", null);
        assertThat(batch.rowFailures().get(5).message()).contains("5 fields").contains("at most 4");
        assertThat(batch.rowFailures().get(6)).extracting(RowError::code, RowError::field)
                .containsExactly("invalid_field", "note");
        assertThat(batch.rowFailures().get(8)).as("9 characters, 18 UTF-8 bytes")
                .extracting(RowError::code, RowError::field).containsExactly("invalid_field", "note");
        assertThat(batch.rowFailures().get(9).code()).isEqualTo("invalid_field");
    }

    @Test
    void nonFiniteNumbersAndOversizedNestedValuesFailTheirRow() {
        PreparedBatch batch = roomy.prepare(XTREMEPUSH, profiles("""
                [{"id": "inf", "fields": {"user_id": "u1", "score": 1e400}},
                 {"id": "nested-inf", "fields": {"user_id": "u2", "plan": {"score": -1e400}}},
                 {"id": "nested-long", "fields": {"user_id": "u3", "plan": {"note": "12345678901234567"}}},
                 {"id": "wide-array", "fields": {"user_id": "u4", "tags": [1, 2, 3, 4, 5, 6, 7, 8]}},
                 {"id": "small-nested", "fields": {"user_id": "u5", "plan": {"a": 1}}},
                 {"id": "big-int", "fields": {"user_id": "u6", "n": 123456789012345678901234567890}}]"""));

        assertThat(batch.request().rows()).extracting(SyncRow::id).containsExactly("small-nested", "big-int");
        assertThat(batch.rowFailures().get(0)).extracting(RowError::code, RowError::field)
                .containsExactly("invalid_field", "score");
        assertThat(batch.rowFailures().get(0).message()).contains("out of range");
        assertThat(batch.rowFailures().get(1)).extracting(RowError::code, RowError::field)
                .containsExactly("invalid_field", "plan");
        assertThat(batch.rowFailures().get(2).message()).contains("larger than 16 bytes");
        assertThat(batch.rowFailures().get(3)).extracting(RowError::code, RowError::field)
                .containsExactly("invalid_field", "tags");
    }

    @Test
    void listMemberWithoutIdentifierFails() {
        PreparedBatch batch = roomy.prepare(XTREMEPUSH, listMembers("add", """
                [{"id": "r1", "fields": {"identifier": "a@b.c"}},
                 {"id": "r2", "fields": {"user_id": "u2"}},
                 {"id": "r3", "fields": {"identifier": " "}}]"""));
        assertThat(batch.request().rows()).extracting(SyncRow::id).containsExactly("r1");
        assertThat(batch.rowFailures()).containsOnlyKeys(1, 2);
        assertThat(batch.rowFailures().values()).extracting(RowError::code, RowError::field).containsOnly(
                org.assertj.core.groups.Tuple.tuple("missing_required_field", "identifier"));
    }

    @Test
    void nullFieldsAreDroppedByDefault() {
        PreparedBatch batch = roomy.prepare(XTREMEPUSH, profiles("""
                [{"id": "r1", "fields": {"user_id": "u1", "first_name": null, "last_name": "B"}}]"""));
        assertThat(batch.request().options().nulls()).isEqualTo(NullHandling.IGNORE);
        assertThat(batch.request().rows().get(0).fields()).containsOnlyKeys("user_id", "last_name");
    }

    @Test
    void nullsIgnoreIsTheDefaultSpelledOut() {
        ObjectNode body = profiles("""
                [{"id": "r1", "fields": {"user_id": "u1", "first_name": null, "last_name": "B"}}]""");
        body.putObject("options").put("nulls", "ignore");
        PreparedBatch batch = roomy.prepare(XTREMEPUSH, body);
        assertThat(batch.request().rows().get(0).fields()).containsOnlyKeys("user_id", "last_name");
    }

    @Test
    void nullsClearKeepsNullFieldsInOrder() {
        ObjectNode body = profiles("""
                [{"id": "r1", "fields": {"user_id": "u1", "first_name": null, "last_name": "B"}}]""");
        body.putObject("options").put("nulls", "clear");
        PreparedBatch batch = roomy.prepare(XTREMEPUSH, body);

        assertThat(batch.request().options().nulls()).isEqualTo(NullHandling.CLEAR);
        var fields = batch.request().rows().get(0).fields();
        assertThat(fields.keySet()).containsExactly("user_id", "first_name", "last_name");
        assertThat(fields.get("first_name").isNull()).isTrue();
    }

    @Test
    void nullsClearStillCountsANullIdentifierAsMissing() {
        ObjectNode body = profiles("""
                [{"id": "r1", "fields": {"user_id": null, "first_name": "A"}}]""");
        body.putObject("options").put("nulls", "clear");
        PreparedBatch batch = roomy.prepare(XTREMEPUSH, body);
        assertThat(batch.request().rows()).isEmpty();
        assertThat(batch.rowFailures().get(0).code()).isEqualTo("missing_required_field");
    }

    // ---- secrets ----

    @Test
    void connectionToStringNeverShowsTheSecret() {
        PreparedBatch batch = roomy.prepare(XTREMEPUSH, profiles("""
                [{"id": "r1", "fields": {"user_id": "u1", "first_name": "A"}}]"""));
        Connection connection = batch.request().connection();

        assertThat(connection.toString()).doesNotContain(SECRET).contains("eu").contains("appToken");
        assertThat(connection.secret("appToken").toString()).doesNotContain(SECRET);
        assertThat(batch.request().toString()).doesNotContain(SECRET);
        assertThat(batch.toString()).doesNotContain(SECRET);
        assertThat(connection.secretNames()).containsExactly("appToken");
    }

    @Test
    void connectionValuesAreTrimmed() {
        ObjectNode body = profiles("[{\"id\": \"r1\", \"fields\": {\"user_id\": \"u1\", \"a\": 1}}]");
        ((ObjectNode) body.get("connection")).put("region", " us ").put("appToken", "  tok ");
        Connection c = roomy.prepare(XTREMEPUSH, body).request().connection();
        assertThat(c.value("region")).isEqualTo("us");
        assertThat(c.secret("appToken").reveal()).isEqualTo("tok");
    }

    @Test
    void violationMessagesNeverShowTheSecret() {
        ObjectNode body = profiles("[{\"id\": \"r1\", \"fields\": {\"user_id\": \"u1\"}}]");
        ((ObjectNode) body.get("connection")).put("region", SECRET);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> roomy.prepare(XTREMEPUSH, body));
        assertThat(thrown).isInstanceOf(InvalidBatchException.class);
        assertThat(thrown.getMessage()).doesNotContain(SECRET);
        assertThat(((InvalidBatchException) thrown).violations()).extracting(Violation::message)
                .noneMatch(m -> m.contains(SECRET));
    }

    @Test
    void connectionOnlyValidatesTheConnection() {
        Connection c = roomy.connectionOnly(XTREMEPUSH,
                JSON.readTree("{\"connection\": {\"region\": \"eu\", \"appToken\": \"t\"}}"));
        assertThat(c.value("region")).isEqualTo("eu");
        assertThatThrownBy(() -> roomy.connectionOnly(XTREMEPUSH, JSON.readTree("{\"connection\": {}}")))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.violations())
                        .extracting(Violation::pointer).containsExactly("/connection/region", "/connection/appToken"));
    }

    // ---- connectionRef: a connection defined on the server ----

    private static final DestinationDescriptor OTHER = new DestinationDescriptor("other", "Other",
            List.of(ConnectionField.secret("apiKey", "API key")), List.of());

    private static Destination destination(DestinationDescriptor d) {
        Destination destination = org.mockito.Mockito.mock(Destination.class);
        org.mockito.Mockito.when(destination.type()).thenReturn(d.type());
        org.mockito.Mockito.when(destination.descriptor()).thenReturn(d);
        return destination;
    }

    private final Validating withNamed = new Validating(
            new BatchProperties(5, Duration.ofMinutes(10), 4, DataSize.ofBytes(16), DataSize.ofMegabytes(100), 64, 20),
            new NamedConnections(new NamedConnectionsProperties(Map.of(
                    "crm-eu", Map.of("type", "xtremepush", "region", "eu", "app-token", "named-" + SECRET),
                    "other-one", Map.of("type", "other", "api-key", "other-" + SECRET))),
                    new DestinationRegistry(List.of(destination(XTREMEPUSH), destination(OTHER)))));

    private static ObjectNode byRef(String ref) {
        ObjectNode body = profiles("[{\"id\": \"r1\", \"fields\": {\"user_id\": \"u1\"}}]");
        body.remove("connection");
        body.put("connectionRef", ref);
        return body;
    }

    private List<Violation> violations(JsonNode body) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> withNamed.prepare(XTREMEPUSH, body));
        assertThat(thrown).isInstanceOf(InvalidBatchException.class);
        return ((InvalidBatchException) thrown).violations();
    }

    @Test
    void aConnectionRefResolvesToTheNamedConnection() {
        PreparedBatch batch = withNamed.prepare(XTREMEPUSH, byRef("crm-eu"));

        assertThat(batch.request().connection().value("region")).isEqualTo("eu");
        assertThat(batch.request().connection().secret("appToken").reveal()).isEqualTo("named-" + SECRET);
        assertThat(withNamed.connectionOnly(XTREMEPUSH, JSON.createObjectNode().put("connectionRef", "crm-eu"))
                .secret("appToken").reveal()).isEqualTo("named-" + SECRET);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            /connectionRef | both                | not both
            /connectionRef | unknown name        | unknown connection 'nope'
            /connectionRef | other type          | connection 'other-one' is for other, not xtremepush
            /connectionRef | not a string        | must be the name of a connection
            /connectionRef | blank               | must be the name of a connection
            /connection    | neither             | 'connectionRef'
            """)
    void aWrongConnectionRefIsARequestError(String pointer, String what, String message) {
        ObjectNode body = byRef("crm-eu");
        switch (what) {
            case "both" -> body.putObject("connection").put("region", "eu").put("appToken", SECRET);
            case "unknown name" -> body.put("connectionRef", "nope");
            case "other type" -> body.put("connectionRef", "other-one");
            case "not a string" -> body.put("connectionRef", 12);
            case "blank" -> body.put("connectionRef", " ");
            case "neither" -> body.remove("connectionRef");
            default -> throw new IllegalArgumentException(what);
        }

        List<Violation> violations = violations(body);

        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).pointer()).isEqualTo(pointer);
        assertThat(violations.get(0).message()).contains(message).doesNotContain(SECRET);
    }

    @Test
    void withoutNamedConnectionsEveryRefIsUnknown() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> validator.connectionOnly(XTREMEPUSH, JSON.createObjectNode().put("connectionRef", "crm-eu")));
        assertThat(thrown).isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.violations())
                .extracting(Violation::pointer).containsExactly("/connectionRef"));
    }
}
