package io.pushsync.destination.xtremepush;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.testsupport.HostileJson;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * An object's or array's JSON text ({@link XtremepushWire#jsonText}) is {@code toString()}'s; a row as the
 * {@link XtremepushWire.RowWriter} writes it is what the generator writes for the row alone, and an
 * identifier's size as the {@link XtremepushWire.Sizer} counts it (plain strings without writing them) is the length
 * of the bytes the generator writes, with the default features and with features that escape more.
 */
class XtremepushSizerPropertiesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<JsonMapper> MAPPERS = List.of(JsonMapper.builder().build(),
            JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES).build(),
            JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build(),
            JsonMapper.builder().enable(JsonWriteFeature.WRITE_NUMBERS_AS_STRINGS).build());

    @Provide
    Arbitrary<List<JsonNode>> rows() {
        Arbitrary<JsonNode> plainish = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40)
                .map(NODES::stringNode);
        Arbitrary<JsonNode> anyString = HostileJson.strings().map(NODES::stringNode);
        Arbitrary<JsonNode> flags = Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false),
                NODES.nullNode(), NODES.stringNode("a/b"), NODES.stringNode(""));
        return Arbitraries.frequencyOf(Tuple.of(5, plainish), Tuple.of(2, anyString),
                        Tuple.of(2, flags), Tuple.of(1, HostileJson.values(2)))
                .list().ofMaxSize(12);
    }

    @Property(tries = 400)
    void aRowIsWrittenAsTheGeneratorWritesItAlone(@ForAll("rows") List<JsonNode> row) {
        JsonNode[] values = row.toArray(JsonNode[]::new);
        for (JsonMapper json : MAPPERS) {
            byte[] alone = json.writeValueAsBytes(NODES.arrayNode().addAll(row));
            try (XtremepushWire.RowWriter writer = new XtremepushWire.RowWriter(json)) {
                assertThat(new String(writer.row(values), UTF_8)).as("%s", row).isEqualTo(new String(alone, UTF_8));
                assertThat(new String(writer.row(values), UTF_8)).as("written again, %s", row)
                        .isEqualTo(new String(alone, UTF_8));
            }
        }
    }

    @Provide
    Arbitrary<JsonNode> trees() {
        return HostileJson.values(3).filter(v -> v.isObject() || v.isArray());
    }

    @Property(tries = 400)
    void aTreesJsonTextIsWhatToStringWrites(@ForAll("trees") JsonNode tree) {
        assertThat(XtremepushWire.jsonText(tree)).isEqualTo(tree.toString());
        assertThat(XtremepushWire.jsonText(tree)).as("written again on the same thread").isEqualTo(tree.toString());
    }

    @Property(tries = 400)
    void anIdentifiersCountedSizeIsTheLengthOfItsBytes(@ForAll("rows") List<JsonNode> row) {
        for (JsonMapper json : MAPPERS) {
            try (XtremepushWire.Sizer sizer = new XtremepushWire.Sizer(json)) {
                for (JsonNode value : row) {
                    String s = value.isString() ? value.stringValue() : value.toString();
                    long written = XtremepushWire.measure(json, (JsonGenerator g) -> g.writeString(s));
                    assertThat(sizer.string(s)).as("%s", s).isEqualTo(written);
                }
            }
        }
    }
}
