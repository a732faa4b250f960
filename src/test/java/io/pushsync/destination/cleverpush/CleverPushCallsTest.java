package io.pushsync.destination.cleverpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.destination.cleverpush.CleverPushCalls.Call;
import io.pushsync.sync.Change;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.values.PhoneNumbers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Which vendor calls a row becomes: the planning alone, nothing sent. */
class CleverPushCallsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final CleverPushRows ROWS = new CleverPushRows(new PhoneNumbers(""));
    private static final String CHANNEL = "ch-1";

    private static CleverPushCalls calls(String objectType, String mode, boolean byUserId, ChannelCatalog catalog) {
        return new CleverPushCalls(ROWS, 100, objectType, mode, CHANNEL, byUserId, catalog);
    }

    private static CleverPushCalls subscriptions(String mode) {
        return calls(CleverPushDestination.SUBSCRIPTIONS, mode, false, ChannelCatalog.UNKNOWN);
    }

    private static CleverPushCalls tags(String mode) {
        return calls(CleverPushDestination.TAGS, mode, false, ChannelCatalog.UNKNOWN);
    }

    private static SyncRow row(int index, Change change, String fieldsJson) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        JSON.readTree(fieldsJson).properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        return new SyncRow(index, "r" + index, change, fields);
    }

    private static SyncRow row(String fieldsJson) {
        return row(3, null, fieldsJson);
    }

    @Test
    void aSubscriptionRowIsOneSyncWithTheChannelInItsPath() {
        var plan = subscriptions("upsert").plan(row("""
                {"subscription_id": " s-1 ", "email": "Ada@Example.com", "plan": "gold"}"""));

        assertThat(plan.error()).isNull();
        Call call = plan.value().get(0);
        assertThat(plan.value()).hasSize(1);
        assertThat(call.rowIndex()).isEqualTo(3);
        assertThat(call.operation()).isEqualTo("subscription_sync");
        assertThat(call.path()).isEqualTo(CleverPushWire.SYNC_PATH);
        assertThat(call.sync()).isTrue();
        assertThat(call.tag()).isNull();
        assertThat(call.subscriptionId()).isEqualTo("s-1");
        assertThat(call.resolve()).isFalse();
        assertThat(call.body().apply("native-1").toString()).isEqualTo("{\"channelId\":\"ch-1\",\"subscriptionId\":"
                + "\"native-1\",\"emailAddress\":\"ada@example.com\",\"customAttributes\":{\"user_id\":\"s-1\","
                + "\"plan\":\"gold\"}}");
        // no native id: the sync creates the subscription or matches it by user_id
        assertThat(call.body().apply(null).has("subscriptionId")).isFalse();
    }

    @Test
    void aRemovedSubscriptionIsOneUnsubscribeWhoseFieldsAreNotMapped() {
        SyncRow removed = row(0, Change.REMOVED, """
                {"subscription_id": 42, "email": "not-an-address"}""");

        for (var plan : List.of(subscriptions("remove").plan(removed), subscriptions("mirror").plan(removed))) {
            assertThat(plan.error()).isNull();
            Call call = plan.value().get(0);
            assertThat(plan.value()).hasSize(1);
            assertThat(call.operation()).isEqualTo("unsubscribe");
            assertThat(call.path()).isEqualTo(CleverPushWire.UNSUBSCRIBE_PATH);
            assertThat(call.sync()).isFalse();
            assertThat(call.body().apply("42").toString())
                    .isEqualTo("{\"channelId\":\"ch-1\",\"subscriptionId\":\"42\"}");
        }
        // in upsert mode the same row is a sync, and its e-mail fails it
        assertThat(subscriptions("upsert").plan(removed).error().field()).isEqualTo("email");
    }

    @Test
    void aTagsRowIsOneCallPerTagInOrder() {
        var plan = tags("add").plan(row("""
                {"subscription_id": "s", "tags": "vip, beta,vip"}"""));

        assertThat(plan.value()).extracting(Call::tag).containsExactly("vip", "beta");
        assertThat(plan.value()).allSatisfy(call -> {
            assertThat(call.operation()).isEqualTo("tag_add");
            assertThat(call.path()).isEqualTo(CleverPushWire.TAG_ADD_PATH);
            assertThat(call.sync()).isFalse();
            assertThat(call.rowIndex()).isEqualTo(3);
        });
        assertThat(plan.value().get(1).body().apply("n").toString())
                .isEqualTo("{\"channelId\":\"ch-1\",\"subscriptionId\":\"n\",\"tagId\":\"beta\"}");
    }

    @Test
    void aRemovedTagsRowUntagsEachTag() {
        var plan = tags("mirror").plan(row(0, Change.REMOVED, """
                {"subscription_id": "s", "tags": ["vip"]}"""));

        assertThat(plan.value()).singleElement().satisfies(call -> {
            assertThat(call.operation()).isEqualTo("tag_remove");
            assertThat(call.path()).isEqualTo(CleverPushWire.TAG_REMOVE_PATH);
        });
    }

    @Test
    void byUserIdEveryCallResolvesTheRowsId() {
        SyncRow row = row("""
                {"subscription_id": "crm-1", "tags": "a,b", "plan": "x"}""");
        var tagCalls = calls(CleverPushDestination.TAGS, "add", true, ChannelCatalog.UNKNOWN).plan(row);
        var sync = calls(CleverPushDestination.SUBSCRIPTIONS, "upsert", true, ChannelCatalog.UNKNOWN).plan(row);

        assertThat(tagCalls.value()).hasSize(2).allMatch(Call::resolve)
                .allMatch(c -> c.subscriptionId().equals("crm-1"));
        assertThat(sync.value()).singleElement().matches(Call::resolve);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"tags\": \"a\"}", "{\"subscription_id\": \" \", \"tags\": \"a\"}",
            "{\"subscription_id\": {\"x\": 1}, \"tags\": \"a\"}", "{\"subscription_id\": 1.5, \"tags\": \"a\"}"})
    void aRowWithoutAUsableSubscriptionIdFailsWithoutACall(String fields) {
        for (CleverPushCalls planning : List.of(tags("add"), subscriptions("upsert"), subscriptions("remove"))) {
            var plan = planning.plan(row(fields));
            assertThat(plan.value()).isNull();
            assertThat(plan.skip()).isFalse();
            assertThat(plan.error().code()).isEqualTo("invalid_field");
            assertThat(plan.error().field()).isEqualTo("subscription_id");
        }
    }

    @Test
    void mappingFailuresAndSkipsCarryOver() {
        var noTag = tags("add").plan(row("{\"subscription_id\": \"s\", \"tags\": \" , \"}"));
        assertThat(noTag.skip()).isTrue();
        assertThat(noTag.error().code()).isEqualTo("no_fields");

        var nothingToSet = subscriptions("upsert").plan(row("{\"subscription_id\": \"s\"}"));
        assertThat(nothingToSet.skip()).isTrue();

        var badPhone = subscriptions("upsert").plan(row("{\"subscription_id\": \"s\", \"phone\": \"12\"}"));
        assertThat(badPhone.skip()).isFalse();
        assertThat(badPhone.error().code()).isEqualTo("invalid_phone_number");

        var tooMany = new CleverPushCalls(ROWS, 1, CleverPushDestination.TAGS, "add", CHANNEL, false,
                ChannelCatalog.UNKNOWN).plan(row("{\"subscription_id\": \"s\", \"tags\": \"a,b\"}"));
        assertThat(tooMany.error().message()).contains("at most 1");
    }

    @Test
    void whatTheChannelLacksFailsTheRowBeforeAnyCall() {
        ChannelCatalog tagsOnly = new ChannelCatalog(Map.of("t1", "VIP"), null);
        var unknownTag = calls(CleverPushDestination.TAGS, "add", false, tagsOnly)
                .plan(row("{\"subscription_id\": \"s\", \"tags\": \"t1,vip\"}"));
        assertThat(unknownTag.skip()).isFalse();
        assertThat(unknownTag.error().code()).isEqualTo("unknown_tag");
        assertThat(unknownTag.error().message()).contains("'vip'", "has the id 't1'");

        ChannelCatalog attributes = new ChannelCatalog(null, Set.of("user_id", "plan"));
        var planning = calls(CleverPushDestination.SUBSCRIPTIONS, "upsert", false, attributes);
        assertThat(planning.plan(row("{\"subscription_id\": \"s\", \"plan\": \"x\"}")).value()).hasSize(1);
        var unknownAttribute = planning.plan(row("{\"subscription_id\": \"s\", \"tier\": \"x\"}"));
        assertThat(unknownAttribute.error().code()).isEqualTo("unknown_attribute");
        assertThat(unknownAttribute.error().field()).isEqualTo("tier");
        // an unsubscribe sets no attribute: nothing to check
        assertThat(calls(CleverPushDestination.SUBSCRIPTIONS, "remove", false, attributes)
                .plan(row("{\"subscription_id\": \"s\", \"tier\": \"x\"}")).value()).hasSize(1);
    }

    @Test
    void theBatchsSubscriptionIdsAreDistinctUsableAndInOrder() {
        List<SyncRow> batch = List.of(row(0, null, "{\"subscription_id\": \" b \"}"),
                row(1, null, "{\"subscription_id\": 7}"), row(2, null, "{\"subscription_id\": \"\"}"),
                row(3, null, "{\"subscription_id\": \"b\"}"), row(4, null, "{}"));

        assertThat(CleverPushCalls.subscriptionIds(batch)).containsExactly("b", "7");
    }
}
