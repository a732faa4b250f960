package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class SubscriptionStatusTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(NODES.booleanNode(true), 1),
                Arguments.of(NODES.booleanNode(false), 0),
                Arguments.of(NODES.numberNode(1), 1),
                Arguments.of(NODES.numberNode(0), 0),
                Arguments.of(NODES.numberNode(1L), 1),
                Arguments.of(NODES.numberNode(0L), 0),
                Arguments.of(NODES.numberNode(BigInteger.ONE), 1),
                Arguments.of(NODES.stringNode("1"), 1),
                Arguments.of(NODES.stringNode("0"), 0),
                Arguments.of(NODES.stringNode("true"), 1),
                Arguments.of(NODES.stringNode("false"), 0),
                Arguments.of(NODES.stringNode("TRUE"), 1),
                Arguments.of(NODES.stringNode("False"), 0),
                Arguments.of(NODES.stringNode("yes"), 1),
                Arguments.of(NODES.stringNode("no"), 0),
                Arguments.of(NODES.stringNode(" YES "), 1),
                Arguments.of(NODES.stringNode("\tNo\n"), 0),
                Arguments.of(NODES.stringNode("opted_in"), 1),
                Arguments.of(NODES.stringNode("opted_out"), 0),
                Arguments.of(NODES.stringNode("Opted_In"), 1),
                Arguments.of(NODES.stringNode(" OPTED_OUT "), 0),
                Arguments.of(NODES.stringNode(" 1 "), 1));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("accepted")
    void acceptedSpellings(JsonNode value, int expected) {
        assertThat(SubscriptionStatus.parse(value)).contains(expected);
    }

    static Stream<JsonNode> rejected() {
        return Stream.of(
                NODES.numberNode(2),
                NODES.numberNode(-1),
                NODES.numberNode(1.5),
                NODES.numberNode(1.0),
                NODES.numberNode(new BigDecimal("0.0")),
                NODES.numberNode(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE)),
                NODES.stringNode("maybe"),
                NODES.stringNode(""),
                NODES.stringNode("   "),
                NODES.stringNode("y"),
                NODES.stringNode("n"),
                NODES.stringNode("2"),
                NODES.stringNode("opted in"),
                NODES.nullNode(),
                NODES.arrayNode().add(1),
                NODES.objectNode().put("value", true));
    }

    @ParameterizedTest(name = "[{index}] {0} is rejected")
    @MethodSource("rejected")
    void rejectedValues(JsonNode value) {
        assertThat(SubscriptionStatus.parse(value)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("nullArgument")
    void javaNullIsRejected(JsonNode value) {
        assertThat(SubscriptionStatus.parse(value)).isEmpty();
    }

    static Stream<Arguments> nullArgument() {
        return Stream.of(Arguments.of((JsonNode) null));
    }
}
