package io.pushsync.destination.cleverpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.SyncRow;
import io.pushsync.sync.values.PhoneNumbers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CleverPushRowsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final CleverPushRows rows = new CleverPushRows(new PhoneNumbers(""));

    /** The subscription sync of a row, with its subscription_id read as the planning reads it. */
    private CleverPushRows.Mapped<CleverPushRows.Subscription> subscription(SyncRow row) {
        return rows.subscription(row, CleverPushCalls.subscriptionId(row));
    }

    private static SyncRow row(String fieldsJson) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        JSON.readTree(fieldsJson).properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        return new SyncRow(0, "r", null, fields);
    }

    @Test
    void fieldsAreMappedToTopLevelFieldsAndCustomAttributes() {
        var mapped = subscription(row("""
                {"subscription_id": " s-1 ", "email": " Ada@Example.COM ", "phone": "0044 7911 123456",
                 "topics": "news, offers,news", "language": " de ", "country": "DE",
                 "plan": "gold", "score": 7, "prefs": {"a": 1}}"""));

        assertThat(mapped.error()).isNull();
        assertThat(JSON.writeValueAsString(mapped.value().topLevel())).isEqualTo(
                "{\"email\":\"ada@example.com\",\"phone\":\"+447911123456\",\"topics\":[\"news\",\"offers\"],"
                        + "\"language\":\"de\",\"country\":\"DE\"}");
        assertThat(JSON.writeValueAsString(mapped.value().customAttributes())).isEqualTo(
                "{\"user_id\":\"s-1\",\"plan\":\"gold\",\"score\":7,\"prefs\":{\"a\":1}}");
    }

    @Test
    void topicsAsAnArrayAreTrimmedAndDeduplicated() {
        var mapped = subscription(row("""
                {"subscription_id": 42, "topics": [" a", "b", "a", ""]}"""));
        assertThat(mapped.value().topLevel().get("topics").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(mapped.value().customAttributes().get("user_id").asString()).isEqualTo("42");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"subscription_id": "s", "phone": "12"}                 | invalid_phone_number | phone
            {"subscription_id": "s", "email": "not-an-address"}     | invalid_field        | email
            {"subscription_id": "s", "email": 5}                    | invalid_field        | email
            {"subscription_id": "s", "topics": 5}                   | invalid_field        | topics
            {"subscription_id": "s", "topics": [1]}                 | invalid_field        | topics
            {"subscription_id": "s", "language": true}              | invalid_field        | language
            """)
    void badValuesFailTheRow(String fields, String code, String field) {
        var mapped = subscription(row(fields));
        assertThat(mapped.value()).isNull();
        assertThat(mapped.skip()).isFalse();
        assertThat(mapped.error().code()).isEqualTo(code);
        assertThat(mapped.error().field()).isEqualTo(field);
    }

    @Test
    void aRowWithOnlyItsSubscriptionIdIsSkipped() {
        var mapped = subscription(row("""
                {"subscription_id": "s", "email": "  "}"""));
        assertThat(mapped.skip()).isTrue();
        assertThat(mapped.error().code()).isEqualTo("no_fields");
    }

    @Test
    void nullsKeptForClearingAreSent() {
        var mapped = subscription(row("""
                {"subscription_id": "s", "email": null, "plan": null}"""));
        assertThat(mapped.value().topLevel().get("email").isNull()).isTrue();
        assertThat(mapped.value().customAttributes().get("plan").isNull()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"vip, beta,vip , \"", "[\"vip\", \" beta\", \"vip\", \"\"]"})
    void tagsAreSplitTrimmedAndDeduplicated(String tags) {
        var mapped = CleverPushRows.tags(row("{\"subscription_id\": \"s\", \"tags\": " + tags + "}"), 100);
        assertThat(mapped.value()).isEqualTo(List.of("vip", "beta"));
    }

    @Test
    void integerTagIdsAreAccepted() {
        assertThat(CleverPushRows.tags(row("{\"tags\": [12, \"x\"]}"), 100).value()).isEqualTo(List.of("12", "x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\" , ,\"", "[]", "[\" \"]"})
    void noTagIsASkip(String tags) {
        var mapped = CleverPushRows.tags(row("{\"tags\": " + tags + "}"), 100);
        assertThat(mapped.skip()).isTrue();
        assertThat(mapped.error().code()).isEqualTo("no_fields");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "true", "{\"a\": 1}", "[{\"a\": 1}]", "[true]"})
    void tagsOfTheWrongShapeFail(String tags) {
        var mapped = CleverPushRows.tags(row("{\"tags\": " + tags + "}"), 100);
        assertThat(mapped.skip()).isFalse();
        assertThat(mapped.error().code()).isEqualTo("invalid_field");
        assertThat(mapped.error().field()).isEqualTo("tags");
    }

    @Test
    void moreTagsThanTheLimitFailTheRow() {
        var mapped = CleverPushRows.tags(row("{\"tags\": \"a,b,c\"}"), 2);
        assertThat(mapped.skip()).isFalse();
        assertThat(mapped.error().code()).isEqualTo("invalid_field");
        assertThat(mapped.error().message()).contains("3 tags", "at most 2");
    }

    @Test
    void aUserIdFieldCannotOverrideTheSubscriptionId() {
        var mapped = subscription(row("""
                {"subscription_id": "crm-1", "user_id": "crm-999", "plan": "x"}"""));
        assertThat(mapped.value()).isNull();
        assertThat(mapped.error().code()).isEqualTo("invalid_field");
        assertThat(mapped.error().field()).isEqualTo("user_id");
    }
}
