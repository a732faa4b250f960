package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class ListMemberImportTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static Stream<Arguments> identifiers() {
        return Stream.of(
                Arguments.of(NODES.stringNode("u-42"), "u-42"),
                Arguments.of(NODES.stringNode("  u-42\t"), "u-42"),
                Arguments.of(NODES.stringNode("User-ABC"), "User-ABC"),
                Arguments.of(NODES.stringNode(" A@Example.COM "), "a@example.com"),
                Arguments.of(NODES.stringNode("Mixed.Case@Host.IE"), "mixed.case@host.ie"),
                Arguments.of(NODES.numberNode(12345), "12345"),
                Arguments.of(NODES.numberNode(9_007_199_254_740_993L), "9007199254740993"),
                Arguments.of(NODES.numberNode(0), "0"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("identifiers")
    void normalisesIdentifiers(JsonNode value, String expected) {
        assertThat(ListMemberImport.identifier(value)).isEqualTo(expected);
    }

    static Stream<JsonNode> notIdentifiers() {
        return Stream.of(
                NODES.stringNode(""),
                NODES.stringNode("   "),
                NODES.booleanNode(true),
                NODES.booleanNode(false),
                NODES.numberNode(1.5),
                NODES.nullNode(),
                NODES.objectNode().put("id", "u1"),
                NODES.arrayNode().add("u1"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> null")
    @MethodSource("notIdentifiers")
    void rejectsNonIdentifiers(JsonNode value) {
        assertThat(ListMemberImport.identifier(value)).isNull();
    }

    @Test
    void absentIdentifierIsNull() {
        assertThat(ListMemberImport.identifier(null)).isNull();
    }
}
