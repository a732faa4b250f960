package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Two rows of one profile reach the vendor in input order even when they have different column sets (so different
 * groups and chunks): a row whose profile is among another group's gathered rows sends those first.
 */
@TestPropertySource(properties = {
        "pushsync.xtremepush.chunk-size=2",
        "pushsync.xtremepush.chunks-in-flight=1",
})
class XtremepushProfileOrderTest extends FakeXtremepushSupport {

    private static ObjectNode row(String id, String userId, String firstName, String lastName) {
        ObjectNode row = profile(id, userId);
        ((ObjectNode) row.get("fields")).put("first_name", firstName);
        if (lastName != null) {
            ((ObjectNode) row.get("fields")).put("last_name", lastName);
        }
        return row;
    }

    @Test
    void aProfileInTwoColumnSetsReachesTheVendorInInputOrder() throws Exception {
        // u-X's first name is OLD in r0 ({user_id, first_name}) and NEW in r2 ({user_id, first_name, last_name});
        // r2's group fills its chunk first, so without the rule [u-a, u-X] (NEW) would go before [u-X] (OLD)
        List<List<String>> chunks = postAllSucceeding((v, a, b) -> 200, profiles(List.of(
                row("r0", "u-X", "OLD", null), row("r1", "u-a", "A", "A"), row("r2", "u-X", "NEW", "X"))));

        assertThat(chunks).containsExactly(List.of("u-X"), List.of("u-a", "u-X"));
    }

    @Test
    void withoutASharedProfileEachGroupIsChunkedWhole() throws Exception {
        List<List<String>> chunks = postAllSucceeding((v, a, b) -> 200, profiles(List.of(
                row("r0", "u-0", "a", null), row("r1", "u-1", "b", "B"), row("r2", "u-2", "c", "C"),
                row("r3", "u-3", "d", null))));

        assertThat(chunks).containsExactly(List.of("u-1", "u-2"), List.of("u-0", "u-3"));
    }
}
