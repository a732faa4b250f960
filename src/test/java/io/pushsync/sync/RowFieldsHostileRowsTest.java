package io.pushsync.sync;

import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.BatchBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import io.pushsync.testsupport.ThingsDestination;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rows with very many field names (issue: hostile input): what the reader holds for their names grows with the names
 * read, not with their square, with or without the field limit; a row over the limit keeps none of its fields and
 * fails alone, naming how many it had. Memory is measured by what the shapes hold ({@link RowShape#nodes()},
 * {@link RowShape#namesHeld()}) and by the bytes the reading thread allocated, never by time.
 */
class RowFieldsHostileRowsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int LIMIT = 200;
    private static final DestinationDescriptor THINGS = new DestinationDescriptor("things", "Things",
            List.of(ConnectionField.secret("key", "Key")),
            List.of(new ObjectTypeDescriptor("things", "Things", List.of("upsert"), List.of(),
                    List.of(RequiredField.of("name")), List.of("name"))));

    /** A body of {@code rows} rows, row {@code r} with {@code names} names of its own ({@code r<r>f<i>}). */
    static String distinctNames(int rows, int names) {
        return ThingsDestination.distinctNamesBody("s", "b", rows, names);
    }

    private static BatchBody read(BatchBodyReader reader, String body) {
        return reader.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), Integer.MAX_VALUE);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    @Test
    void oneRowOfThreeThousandDistinctNamesHoldsEachNameOnceWithoutALimit() {
        String body = distinctNames(1, 3000);
        assertThat(body.length()).as("the issue's 29 KB batch").isBetween(20_000, 60_000);
        BatchBodyReader reader = new BatchBodyReader(JSON);

        long before = allocated();
        RowFields fields = read(reader, body).rows().get(0).fields();
        long bytes = allocated() - before;

        assertThat(fields).hasSize(3000);
        assertThat(fields.shape().nodes()).isLessThanOrEqualTo(3000);
        assertThat(fields.shape().namesHeld()).as("names held by the row's shapes").isLessThanOrEqualTo(3000);
        assertThat(bytes).as("bytes allocated reading a 29 KB body").isLessThan(16L << 20);

        for (int i = 1; i < 3000; i++) {
            assertThat(fields.get("r0f" + i).intValue()).isEqualTo(i);
        }
        assertThat(fields.get("name").stringValue()).isEqualTo("n0");
        assertThat(fields.containsKey("r0f3000")).isFalse();
        assertThat(fields.shape().namesHeld()).as("with the index of its names").isLessThanOrEqualTo(2 * 3000);
    }

    @Test
    void aRowOverTheFieldLimitKeepsNoFieldsAndFailsAloneNamingHowManyItHad() {
        BatchBodyReader reader = new BatchBodyReader(JSON, LIMIT);

        long before = allocated();
        BatchBody read = read(reader, distinctNames(1, 3000));
        long bytes = allocated() - before;
        RowFields fields = read.rows().get(0).fields();

        assertThat(fields.size()).as("fields kept").isZero();
        assertThat(fields.fieldsSent()).isEqualTo(3000);
        assertThat(fields.shape().nodes()).as("the tree stops at the limit").isLessThanOrEqualTo(LIMIT);
        assertThat(fields.shape().namesHeld()).isLessThanOrEqualTo(LIMIT);
        assertThat(bytes).isLessThan(8L << 20);

        // the validator fails that row alone, with the number of fields it was sent with
        String twoRows = distinctNames(1, 3000).replace("]}", ",{\"id\":\"ok\",\"fields\":{\"name\":\"n\"}}]}");
        BatchValidator validator = new BatchValidator(new BatchProperties(100_000, Duration.ofMinutes(10), LIMIT,
                DataSize.ofKilobytes(64), DataSize.ofMegabytes(100), 64, 20));
        PreparedBatch batch = validator.prepare(THINGS, read(reader, twoRows), 100_000, "pushsync.batch.max-rows");
        assertThat(batch.rowFailures()).containsOnlyKeys(0);
        assertThat(batch.rowFailures().get(0).code()).isEqualTo("invalid_field");
        assertThat(batch.rowFailures().get(0).message())
                .isEqualTo("the row has 3000 fields; at most 200 are accepted");
        assertThat(batch.request().rows()).extracting(SyncRow::id).containsExactly("ok");
    }

    @Test
    void fourHundredRowsOf199DistinctNamesHoldTheirNamesOnceAndReadBackExactly() {
        String body = distinctNames(400, 199);
        assertThat(body.length()).as("the issue's 1 MB batch").isBetween(900_000, 1_300_000);

        for (BatchBodyReader reader : List.of(new BatchBodyReader(JSON), new BatchBodyReader(JSON, LIMIT))) {
            long before = allocated();
            List<BatchBody.RawRow> rows = read(reader, body).rows();
            long bytes = allocated() - before;

            RowShape shape = rows.get(0).fields().shape();
            long names = 400L * 199;
            assertThat(shape.nodes()).as("tree nodes").isLessThanOrEqualTo(RowShape.MAX_TREE_NODES);
            assertThat(shape.namesHeld()).as("names held").isLessThanOrEqualTo(names);
            assertThat(bytes).as("bytes allocated reading a 1 MB body").isLessThan(64L << 20);

            // rows inside the tree and rows past it (shapes of their own) read back the same
            for (int r : new int[] {0, 1, 200, 399}) {
                RowFields fields = rows.get(r).fields();
                assertThat(fields).hasSize(199);
                List<String> expected = new ArrayList<>(List.of("name"));
                for (int i = 1; i < 199; i++) {
                    expected.add("r" + r + "f" + i);
                }
                assertThat(fields.keySet()).containsExactlyElementsOf(expected);
                assertThat(fields.get("r" + r + "f198").intValue()).isEqualTo(198);
                assertThat(fields.get("r0f1") == null).isEqualTo(r != 0);
            }
            assertThat(shape.namesHeld()).as("with the indexes of the rows looked into")
                    .isLessThanOrEqualTo(names + 4 * 199);
        }
    }

    @Test
    void rowsOfTheSameColumnsShareOneShapeAndOneArrayOfNames() {
        StringBuilder b = new StringBuilder("{\"rows\":[");
        for (int r = 0; r < 10_000; r++) {
            b.append(r == 0 ? "" : ",").append("{\"id\":\"r").append(r).append("\",\"fields\":{");
            for (int i = 0; i < 12; i++) {
                b.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":").append(r);
            }
            b.append("}}");
        }
        List<BatchBody.RawRow> rows = read(new BatchBodyReader(JSON, LIMIT), b.append("]}").toString()).rows();

        Set<RowShape> shapes = new HashSet<>();
        rows.forEach(row -> shapes.add(row.fields().shape()));
        assertThat(shapes).hasSize(1);
        RowShape shape = shapes.iterator().next();
        assertThat(shape.nodes()).isEqualTo(12);
        assertThat(shape.namesHeld()).isEqualTo(12);
        assertThat(rows.get(9_999).fields().get("c11").intValue()).isEqualTo(9_999);
        assertThat(shape.namesHeld()).as("one index for all rows").isEqualTo(24);
    }

    @Test
    void aFullTreeGivesNewRowsShapesOfTheirOwnThatBehaveTheSame() {
        RowFields.Builder b = new RowFields.Builder(RowShape.root(3));
        List<RowFields> built = new ArrayList<>();
        for (String[] names : new String[][] {{"a", "b"}, {"a", "c"}, {"a", "b"}, {"x", "y", "z"}, {"a", "c"}}) {
            for (String n : names) {
                assertThat(b.put(n, JSON.getNodeFactory().stringNode(n))).isTrue();
            }
            assertThat(b.put(names[0], JSON.getNodeFactory().nullNode())).as("a repeat is refused").isFalse();
            built.add(b.build());
        }
        assertThat(built.get(0).shape()).isSameAs(built.get(2).shape());
        assertThat(built.get(1).shape()).isSameAs(built.get(4).shape());
        assertThat(built.get(0).shape().nodes()).isEqualTo(3);
        assertThat(built.get(3).shape()).isNotSameAs(built.get(0).shape());
        assertThat(built.get(3).keySet()).containsExactly("x", "y", "z");
        assertThat(built.get(3).get("z").stringValue()).isEqualTo("z");
        assertThat(built.get(1).keySet()).containsExactly("a", "c");
        assertThat(built.get(0).shape().namesHeld()).isEqualTo(2 + 2 + 3);
    }
}
