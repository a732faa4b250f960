package io.pushsync.testsupport;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** jqwik generators of hostile JSON: wrong types, NUL, lone surrogates, huge numbers, deep nesting, empty strings. */
public final class HostileJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HostileJson() {
    }

    public static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.of("", " ", "\u0000", "\ud800", "x\udc00y", "\u202e", "null", "true", "1", "0", "yes",
                        "opted_out", "+353 85 012 3456", "0044 7911 123456", "12", "A@Example.COM ", "a,b, ,a",
                        " vip , beta ", "é".repeat(40)),
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(20));
    }

    public static Arbitrary<JsonNode> scalars() {
        return Arbitraries.oneOf(
                strings().map(NODES::stringNode),
                Arbitraries.integers().map(i -> (JsonNode) NODES.numberNode(i)),
                Arbitraries.longs().map(l -> (JsonNode) NODES.numberNode(l)),
                Arbitraries.of(new BigInteger("1" + "0".repeat(40)), BigInteger.valueOf(-1))
                        .map(b -> (JsonNode) NODES.numberNode(b)),
                Arbitraries.of(1.5, -0.0, 1e308, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                        .map(d -> (JsonNode) NODES.numberNode(d)),
                Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b)),
                Arbitraries.just(NODES.nullNode()));
    }

    /** Any JSON value up to {@code depth} levels of arrays and objects. */
    public static Arbitrary<JsonNode> values(int depth) {
        if (depth <= 0) {
            return scalars();
        }
        Arbitrary<JsonNode> inner = values(depth - 1);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, scalars()),
                net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(3).map(list -> {
                    ArrayNode a = NODES.arrayNode();
                    list.forEach(a::add);
                    return (JsonNode) a;
                })),
                net.jqwik.api.Tuple.of(1, Arbitraries.maps(strings(), inner).ofMaxSize(3).map(map -> {
                    ObjectNode o = NODES.objectNode();
                    map.forEach(o::set);
                    return (JsonNode) o;
                })));
    }
}
