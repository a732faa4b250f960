package io.pushsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** {@link RowFields#renamed}: an identifier alias becomes the canonical identifier (Census {@code *_by_user_id}). */
class RowFieldsRenamedTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static RowFields fields(String... namesAndValues) {
        RowFields.Builder b = new RowFields.Builder(RowShape.root());
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.put(namesAndValues[i], NODES.stringNode(namesAndValues[i + 1]));
        }
        return b.build();
    }

    private static List<String> names(RowFields f) {
        return new ArrayList<>(f.keySet());
    }

    @Test
    void theAliasTakesTheCanonicalNameAndComesLast() {
        RowFields renamed = fields("user_id", "u1", "tags", "t").renamed("user_id", "subscription_id");

        assertThat(names(renamed)).containsExactly("tags", "subscription_id");
        assertThat(renamed.get("subscription_id").asString()).isEqualTo("u1");
        assertThat(renamed.get("user_id")).isNull();
        assertThat(renamed.fieldsSent()).isEqualTo(2);
    }

    @Test
    void aCanonicalFieldAlreadyThereIsReplacedInItsPlace() {
        RowFields renamed = fields("subscription_id", "native", "user_id", "u1", "email", "e")
                .renamed("user_id", "subscription_id");

        assertThat(names(renamed)).containsExactly("subscription_id", "email");
        assertThat(renamed.get("subscription_id").asString()).isEqualTo("u1");
    }

    @Test
    void withoutTheAliasTheFieldsAreTheSame() {
        RowFields f = fields("email", "e");
        assertThat(f.renamed("user_id", "subscription_id")).isSameAs(f);

        RowFields.Builder limited = new RowFields.Builder(RowShape.root(), 1);
        limited.put("user_id", NODES.stringNode("u1"));
        limited.put("email", NODES.stringNode("e"));
        RowFields over = limited.build();
        RowFields renamedOver = over.renamed("user_id", "subscription_id");
        assertThat(renamedOver).isEmpty();
        assertThat(renamedOver.fieldsSent()).as("a record over the limit still says how many it had").isEqualTo(2);
    }

    @Test
    void manyFieldsAreRenamedAsFew() {
        String[] many = new String[2 * 40];
        for (int i = 0; i < 40; i++) {
            many[2 * i] = i == 17 ? "user_id" : "f" + i;
            many[2 * i + 1] = "v" + i;
        }
        RowFields renamed = fields(many).renamed("user_id", "subscription_id");
        assertThat(renamed).hasSize(40);
        assertThat(renamed.get("subscription_id").asString()).isEqualTo("v17");
        assertThat(renamed.get("f39").asString()).isEqualTo("v39");
        assertThat(renamed.containsKey("user_id")).isFalse();
        JsonNode last = null;
        for (var e : renamed.entrySet()) {
            last = e.getValue();
        }
        assertThat(last.asString()).isEqualTo("v17");
    }
}
