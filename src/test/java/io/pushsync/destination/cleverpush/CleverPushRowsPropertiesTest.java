package io.pushsync.destination.cleverpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.SyncRow;
import io.pushsync.sync.values.PhoneNumbers;
import io.pushsync.testsupport.HostileJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.JsonNode;

/** Any row value: planning, subscription and tag mapping answer calls, a body or a row error, never an exception. */
class CleverPushRowsPropertiesTest {

    private final CleverPushRows rows = new CleverPushRows(new PhoneNumbers(""));

    @Provide
    Arbitrary<Map<String, JsonNode>> fields() {
        return Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of("subscription_id", "email", "phone", "topics",
                        "language", "country", "tags", "user_id", "plan"), HostileJson.strings()),
                HostileJson.values(3)).ofMaxSize(8).map(LinkedHashMap::new);
    }

    @Property(tries = 500)
    void aSubscriptionOrARowErrorNeverAnException(@ForAll("fields") Map<String, JsonNode> fields) {
        SyncRow row = new SyncRow(0, "r", null, fields);
        String subscriptionId = CleverPushCalls.subscriptionId(row);
        if (subscriptionId != null) {
            var mapped = rows.subscription(row, subscriptionId);
            assertThat(mapped.value() == null).isEqualTo(mapped.error() != null);
            if (mapped.value() != null) {
                assertThat(mapped.value().customAttributes().get("user_id").asString()).isEqualTo(subscriptionId);
            }
        }
        for (String objectType : List.of(CleverPushDestination.SUBSCRIPTIONS, CleverPushDestination.TAGS)) {
            var plan = new CleverPushCalls(rows, 100, objectType, "upsert", "ch", false, ChannelCatalog.UNKNOWN)
                    .plan(row);
            assertThat(plan.value() == null).isEqualTo(plan.error() != null);
            if (plan.value() != null) {
                assertThat(plan.value()).isNotEmpty();
            }
        }
        var tags = CleverPushRows.tags(row, 100);
        assertThat(tags.value() == null).isEqualTo(tags.error() != null);
        if (tags.value() != null) {
            assertThat(tags.value()).isNotEmpty().doesNotHaveDuplicates().allMatch(t -> !t.isBlank());
        }
    }
}
