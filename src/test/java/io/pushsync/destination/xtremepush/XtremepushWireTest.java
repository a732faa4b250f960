package io.pushsync.destination.xtremepush;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.Secret;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class XtremepushWireTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Secret TOKEN = Secret.of("xp-token-\"quoted\"-\u00e9");

    /** The values a normalised row can carry: strings (also JSON text of objects), numbers of every kind, null. */
    private static final JsonNode[] VALUES = {NODES.stringNode("u-1"), NODES.stringNode("Áine \"O'Brien\"\n\t\u2028"),
            NODES.stringNode("{\"plan\":\"gold\",\"seats\":3}"), NODES.numberNode(353850012345L), NODES.numberNode(1),
            NODES.numberNode(0), NODES.numberNode(new BigInteger("123456789012345678901234567890")),
            NODES.numberNode(new BigDecimal("1.10")), NODES.numberNode(new BigDecimal("1E+3")), NODES.numberNode(0.75),
            NODES.numberNode(2.5f), NODES.numberNode((short) 7), NODES.booleanNode(true), NODES.nullNode(),
            // trees too, as far as the wire goes: written without a serializer look-up (XtremepushWire.writeValue)
            tree()};

    private static JsonNode tree() {
        ObjectNode object = NODES.objectNode().put("tier", "gold \u00e9\"").put("seats", 3).put("big", 1L << 40)
                .putNull("none").put("ratio", 0.5);
        object.putArray("tags").add("a").add(false).addNull().addObject().put("x", new BigDecimal("1.10"));
        object.putObject("empty");
        return object;
    }

    @Test
    void aProfileImportBodyIsTheSameJsonAsTheTreeItReplaces() {
        List<String> columns = IntStream.range(0, VALUES.length).mapToObj(i -> "c" + i).toList();
        List<ProfileImport.ProfileRow> rows = rows();

        ObjectNode tree = NODES.objectNode();
        tree.put("apptoken", TOKEN.reveal());
        columns.forEach(tree.putArray("columns")::add);
        ArrayNode treeRows = tree.putArray("rows");
        rows.forEach(row -> Arrays.stream(VALUES).forEach(treeRows.addArray()::add));

        assertThat(new String(XtremepushWire.profileImport(TOKEN, columns, rows).toBytes(JSON), UTF_8))
                .isEqualTo(new String(JSON.writeValueAsBytes(tree), UTF_8));
    }

    /** Two rows of every kind of value, each written as a {@link XtremepushWire.RowWriter} writes a placed row. */
    private static List<ProfileImport.ProfileRow> rows() {
        try (XtremepushWire.RowWriter writer = new XtremepushWire.RowWriter(JSON)) {
            return List.of(new ProfileImport.ProfileRow(0, new String[] {"u-1"}, writer.row(VALUES)),
                    new ProfileImport.ProfileRow(7, new String[] {"u-1"}, writer.row(VALUES)));
        }
    }

    @Test
    void aBodysSizeAddedUpFromItsRowsIsTheLengthOfItsBytes() {
        List<String> columns = IntStream.range(0, VALUES.length).mapToObj(i -> "c" + i).toList();
        for (int n = 0; n <= 2; n++) {
            List<ProfileImport.ProfileRow> rows = rows().subList(0, n);
            for (Secret token : Arrays.asList(TOKEN, null)) {
                XtremepushWire.Body body = XtremepushWire.profileImport(token, columns, rows);
                assertThat(body.size(JSON)).as("%d rows, token %s", n, token != null)
                        .isEqualTo(body.toBytes(JSON).length)
                        .isEqualTo(XtremepushWire.measure(JSON, body::writeTo));
            }
        }
        List<ListMemberImport.Member> members = members();
        for (int n = 0; n <= 2; n++) {
            XtremepushWire.Body body = XtremepushWire.listImport(TOKEN, 42, "create", members.subList(0, n));
            assertThat(body.size(JSON)).as("%d members", n).isEqualTo(body.toBytes(JSON).length)
                    .isEqualTo(XtremepushWire.measure(JSON, body::writeTo));
        }
    }

    @Test
    void aSizeGivenWrongStillGivesTheWholeBody() {
        XtremepushWire.Body body = XtremepushWire.profileImport(TOKEN, List.of("c0"), List.of());
        byte[] exact = body.toBytes(JSON);
        assertThat(body.toBytes(JSON, 1)).isEqualTo(exact);
        assertThat(body.toBytes(JSON, exact.length + 100L)).isEqualTo(exact);
    }

    private static List<ListMemberImport.Member> members() {
        try (XtremepushWire.Sizer sizer = new XtremepushWire.Sizer(JSON)) {
            String odd = "user-\"42\"\u00e9\u2028";
            return List.of(new ListMemberImport.Member(0, "a@example.com", sizer.string("a@example.com")),
                    new ListMemberImport.Member(3, odd, sizer.string(odd)));
        }
    }

    @Test
    void aListImportBodyIsTheSameJsonAsTheTreeItReplaces() {
        List<ListMemberImport.Member> members = members();

        ObjectNode tree = NODES.objectNode();
        tree.put("apptoken", TOKEN.reveal());
        tree.put("id", 9_007_199_254_740_993L);
        tree.put("mode", "delete");
        tree.putArray("items").add("a@example.com").add("user-\"42\"\u00e9\u2028");

        assertThat(new String(XtremepushWire.listImport(TOKEN, 9_007_199_254_740_993L, "delete", members)
                .toBytes(JSON), UTF_8)).isEqualTo(new String(JSON.writeValueAsBytes(tree), UTF_8));
    }

    @Test
    void aConnectionCheckBodyIsTheTokenAndALimitOfOne() {
        assertThat(new String(XtremepushWire.connectionCheck(TOKEN).toBytes(JSON), UTF_8))
                .isEqualTo("{\"apptoken\":\"xp-token-\\\"quoted\\\"-\u00e9\",\"limit\":1}");
    }

    private static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"data": {"task_id": "9f2c"}}                     | 9f2c
            {"data": {"task_id": 42}}                         | 42
            {"data": {"taskId": "t-1"}}                       | t-1
            {"data": {"taskId": 7}}                           | 7
            {"data": {"id": "d-1"}}                           | d-1
            {"data": {"id": 8}}                               | 8
            {"model": {"id": "m-1"}}                          | m-1
            {"model": {"id": 9}}                              | 9
            {"task_id": "top"}                                | top
            {"task_id": 10}                                   | 10
            {"id": "plain"}                                   | plain
            {"id": 11}                                        | 11
            {"success": true, "data": {"task_id": "x", "other": 1}} | x
            """)
    void taskIdIsFoundInEachDocumentedPosition(String body, String expected) {
        assertThat(XtremepushWire.taskId(json(body))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"id": "f", "task_id": "e", "model": {"id": "d"}, "data": {"id": "c", "taskId": "b", "task_id": "a"}} | a
            {"id": "f", "task_id": "e", "model": {"id": "d"}, "data": {"id": "c", "taskId": "b"}}                 | b
            {"id": "f", "task_id": "e", "model": {"id": "d"}, "data": {"id": "c"}}                                | c
            {"id": "f", "task_id": "e", "model": {"id": "d"}}                                                     | d
            {"id": "f", "task_id": "e"}                                                                           | e
            {"id": "f", "data": {"task_id": null}}                                                                | f
            {"id": "f", "data": {"task_id": {"nested": 1}}}                                                       | f
            {"id": "f", "data": {"task_id": true}}                                                                | f
            {"id": "f", "data": "scalar data"}                                                                    | f
            """)
    void firstPositionInDocumentedOrderWins(String body, String expected) {
        assertThat(XtremepushWire.taskId(json(body))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            {}
            {"success": true}
            {"data": {}}
            {"data": {"task_id": null}, "id": null}
            {"id": [1, 2]}
            {"id": false}
            []
            "just text"
            """)
    void taskIdIsNullWhenAbsent(String body) {
        assertThat(XtremepushWire.taskId(json(body))).isNull();
    }

    @Test
    void taskIdOfNoBodyIsNull() {
        assertThat(XtremepushWire.taskId(null)).isNull();
    }

    @Test
    void vendorMessageJoinsMessageAndErrorsObject() {
        String raw = """
                {"code": 400, "success": false, "message": "Validation failed",
                 "errors": {"email": "invalid", "rows": ["row 2 bad", "row 3 bad"], "meta": {"n": 1}, "count": 2}}""";
        assertThat(XtremepushWire.vendorMessage(json(raw), raw)).isEqualTo(
                "Validation failed; email: invalid; rows: [\"row 2 bad\",\"row 3 bad\"]; meta: {\"n\":1}; count: 2");
    }

    @Test
    void vendorMessageWithErrorsObjectOnly() {
        String raw = "{\"errors\": {\"apptoken\": \"missing\"}}";
        assertThat(XtremepushWire.vendorMessage(json(raw), raw)).isEqualTo("apptoken: missing");
    }

    @Test
    void vendorMessageWithErrorsArray() {
        String raw = "{\"message\": \"Bad request\", \"errors\": [\"columns mismatch\", \"row 1\"]}";
        assertThat(XtremepushWire.vendorMessage(json(raw), raw))
                .isEqualTo("Bad request; [\"columns mismatch\",\"row 1\"]");
    }

    @Test
    void vendorMessageWithErrorsArrayOnly() {
        String raw = "{\"errors\": [\"columns mismatch\"]}";
        assertThat(XtremepushWire.vendorMessage(json(raw), raw)).isEqualTo("[\"columns mismatch\"]");
    }

    @Test
    void vendorMessageWithMessageOnlyAndNullErrors() {
        String raw = "{\"message\": \"Invalid app token\", \"errors\": null}";
        assertThat(XtremepushWire.vendorMessage(json(raw), raw)).isEqualTo("Invalid app token");
    }

    @Test
    void envelopeWithoutWordsFallsBackToRawText() {
        String raw = "{\"success\": false, \"message\": 17}";
        assertThat(XtremepushWire.vendorMessage(json(raw), raw)).isEqualTo(raw);
    }

    @Test
    void nonJsonBodyIsReturnedRaw() {
        assertThat(XtremepushWire.vendorMessage(null, "<html>502 Bad Gateway</html>"))
                .isEqualTo("<html>502 Bad Gateway</html>");
    }

    @Test
    void nonObjectJsonIsReturnedRaw() {
        assertThat(XtremepushWire.vendorMessage(json("[\"a\"]"), "[\"a\"]")).isEqualTo("[\"a\"]");
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource(value = {"''", "'   '"})
    void emptyBodyIsSaidToBeEmpty(String raw) {
        assertThat(XtremepushWire.vendorMessage(null, raw)).isEqualTo("(empty body)");
        assertThat(XtremepushWire.vendorMessage(json("{}"), raw)).isEqualTo("(empty body)");
    }

    @Test
    void nullRawIsSaidToBeEmpty() {
        assertThat(XtremepushWire.vendorMessage(null, null)).isEqualTo("(empty body)");
    }
}
