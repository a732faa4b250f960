package io.pushsync.destination.xtremepush;

import io.pushsync.sync.values.PhoneNumbers;
import io.pushsync.sync.values.PhoneNumbers.Validation;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.RowError;
import io.pushsync.sync.SyncRow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

class ProfileNormaliserTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ProfileNormaliser normaliser = new ProfileNormaliser(new PhoneNumbers(""));
    private final ProfileNormaliser strict = new ProfileNormaliser(new PhoneNumbers("", Validation.VALID));

    /** A row from a JSON object literal, as the validator would hand it over (nulls kept). */
    private static SyncRow row(String fieldsJson) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        JSON.readTree(fieldsJson).properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        return new SyncRow(0, "r1", null, fields);
    }

    private ProfileNormaliser.Normalised normalise(String fieldsJson) {
        return normaliser.normalise(row(fieldsJson));
    }

    private static void assertFailure(ProfileNormaliser.Normalised n, String code, String field) {
        assertThat(n.values()).isNull();
        RowError error = n.error();
        assertThat(error).isNotNull();
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.field()).isEqualTo(field);
        assertThat(error.retryable()).isFalse();
        assertThat(error.message()).isNotBlank();
    }

    @Test
    void emailIsTrimmedAndLowerCased() {
        var n = normalise("""
                {"user_id": "u1", "email": "  A.B@Example.COM ", "email_subscription": true}""");
        assertThat(n.error()).isNull();
        assertThat(n.asMap().get("email")).isEqualTo(NODES.stringNode("a.b@example.com"));
        assertThat(n.asMap().get("email_subscription")).isEqualTo(NODES.numberNode(1));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(textBlock = """
            not-an-email
            a@b
            a b@example.com
            a@@example.com
            @example.com
            a@example.com x@example.com
            """)
    void invalidEmailFailsWithInvalidField(String email) {
        var n = normaliser.normalise(new SyncRow(0, "r1", null, fields(
                "user_id", NODES.stringNode("u1"),
                "email", NODES.stringNode(email),
                "email_subscription", NODES.booleanNode(true))));
        assertFailure(n, "invalid_field", "email");
    }

    @Test
    void nonStringEmailFailsWithInvalidField() {
        assertFailure(normalise("""
                {"user_id": "u1", "email": 42, "email_subscription": 1}"""), "invalid_field", "email");
    }

    @Test
    void emailWithoutSubscriptionFails() {
        assertFailure(normalise("""
                {"user_id": "u1", "email": "a@example.com"}"""), "missing_subscription_status", "email_subscription");
    }

    @Test
    void mobileWithoutSubscriptionFails() {
        assertFailure(normalise("""
                {"user_id": "u1", "mobile_number": "+353 85 012 3456"}"""),
                "missing_subscription_status", "sms_subscription");
    }

    @Test
    void subscriptionOfTheOtherChannelDoesNotCount() {
        assertFailure(normalise("""
                {"user_id": "u1", "mobile_number": "+353850123456", "email_subscription": 1}"""),
                "missing_subscription_status", "sms_subscription");
    }

    @Test
    void mobileIsNormalisedToAJsonNumberOfE164Digits() {
        var n = normalise("""
                {"user_id": "u1", "mobile_number": "(+353) 85 012-3456", "sms_subscription": "opted_out"}""");
        assertThat(n.error()).isNull();
        JsonNode mobile = n.asMap().get("mobile_number");
        assertThat(mobile.isIntegralNumber()).isTrue();
        assertThat(mobile.longValue()).isEqualTo(353850123456L);
        assertThat(n.asMap().get("sms_subscription")).isEqualTo(NODES.numberNode(0));
    }

    /**
     * Xtremepush's own examples (profile import: {@code 353850123456}, {@code 447700900900}; README: {@code +353 85 012
     * 3456}) as strings and as JSON numbers, as the vendor's curl examples send them. The UK one is Ofcom's drama
     * range: possible, not valid, so only {@code pushsync.phone-numbers.validation=valid} refuses it.
     */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            447700900900          | 447700900900 | false
            '"447700900900"'      | 447700900900 | false
            '"+44 7700 900900"'   | 447700900900 | false
            '"00447700900900"'    | 447700900900 | false
            353850123456          | 353850123456 | true
            '"353850123456"'      | 353850123456 | true
            '"+353 85 012 3456"'  | 353850123456 | true
            '"00353850123456"'    | 353850123456 | true
            """)
    void theVendorsExampleNumbersAreSentAsE164Digits(String mobileJson, long expected, boolean valid) {
        String fields = "{\"user_id\": \"u1\", \"mobile_number\": " + mobileJson + ", \"sms_subscription\": 1}";
        var n = normalise(fields);
        assertThat(n.error()).as("%s", n.error()).isNull();
        assertThat(n.asMap().get("mobile_number").isIntegralNumber()).isTrue();
        assertThat(n.asMap().get("mobile_number").longValue()).isEqualTo(expected);

        var strictly = strict.normalise(row(fields));
        if (valid) {
            assertThat(strictly.asMap().get("mobile_number").longValue()).isEqualTo(expected);
        } else {
            assertFailure(strictly, "invalid_phone_number", "mobile_number");
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(textBlock = """
            '"+44 7700 9009001"'
            '"+1 415 555 267"'
            '"+1 555 2671"'
            '"+999 123456789"'
            999123456789
            '"+210 1234567"'
            4477009009001
            """)
    void wrongLengthOrUnknownCountryCodeFailsInBothModes(String mobileJson) {
        String fields = "{\"user_id\": \"u1\", \"mobile_number\": " + mobileJson + ", \"sms_subscription\": 1}";
        assertFailure(normalise(fields), "invalid_phone_number", "mobile_number");
        assertFailure(strict.normalise(row(fields)), "invalid_phone_number", "mobile_number");
    }

    @Test
    void numericMobileIsAccepted() {
        var n = normalise("""
                {"user_id": "u1", "mobile_number": 447911123456, "sms_subscription": "yes"}""");
        assertThat(n.asMap().get("mobile_number").longValue()).isEqualTo(447911123456L);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(textBlock = """
            '"12"'
            '"+43 1"'
            '"n/a"'
            '"-"'
            '0'
            '"not a phone"'
            '"0850123456"'
            'true'
            '1.5'
            '{"n": 1}'
            """)
    void invalidMobileFailsWithInvalidPhoneNumber(String mobileJson) {
        assertFailure(normalise("{\"user_id\": \"u1\", \"mobile_number\": " + mobileJson
                + ", \"sms_subscription\": 1}"), "invalid_phone_number", "mobile_number");
    }

    @Test
    void objectsAndArraysBecomeJsonStrings() {
        var n = normalise("""
                {"user_id": "u1", "address": {"city": "Dublin", "zip": 2}, "tags": ["a", 1, true]}""");
        assertThat(n.error()).isNull();
        JsonNode address = n.asMap().get("address");
        assertThat(address.isString()).isTrue();
        assertThat(JSON.readTree(address.stringValue())).isEqualTo(JSON.readTree("{\"city\":\"Dublin\",\"zip\":2}"));
        JsonNode tags = n.asMap().get("tags");
        assertThat(tags.isString()).isTrue();
        assertThat(JSON.readTree(tags.stringValue())).isEqualTo(JSON.readTree("[\"a\",1,true]"));
    }

    @Test
    void numbersBooleansAndStringsAreUnchanged() {
        var n = normalise("""
                {"user_id": "u1", "score": 42, "ratio": 0.75, "vip": false, "first_name": "  Áine "}""");
        assertThat(n.error()).isNull();
        assertThat(n.asMap().get("score")).isEqualTo(NODES.numberNode(42));
        assertThat(n.asMap().get("ratio").doubleValue()).isEqualTo(0.75);
        assertThat(n.asMap().get("vip")).isEqualTo(NODES.booleanNode(false));
        assertThat(n.asMap().get("first_name")).isEqualTo(NODES.stringNode("  Áine "));
    }

    @Test
    void fieldOrderIsKept() {
        var n = normalise("""
                {"last_name": "B", "user_id": "u1", "first_name": "A"}""");
        assertThat(n.asMap()).containsOnlyKeys("last_name", "user_id", "first_name");
        assertThat(n.asMap().keySet()).containsExactly("last_name", "user_id", "first_name");
    }

    @Test
    void userIdIsTrimmed() {
        var n = normalise("""
                {"user_id": "  u-1 ", "first_name": "A"}""");
        assertThat(n.asMap().get("user_id")).isEqualTo(NODES.stringNode("u-1"));
    }

    @Test
    void numericUserIdBecomesAString() {
        var n = normalise("""
                {"user_id": 12345, "first_name": "A"}""");
        JsonNode id = n.asMap().get("user_id");
        assertThat(id.isString()).isTrue();
        assertThat(id.stringValue()).isEqualTo("12345");
    }

    @ParameterizedTest(name = "[{index}] user_id {0}")
    @CsvSource(textBlock = """
            'true'
            '1.5'
            '{"a": 1}'
            '["u1"]'
            """)
    void userIdOfTheWrongTypeFails(String idJson) {
        assertFailure(normalise("{\"user_id\": " + idJson + ", \"first_name\": \"A\"}"), "invalid_field", "user_id");
    }

    @Test
    void deviceIdAloneIdentifiesTheProfile() {
        var n = normalise("""
                {"device_id": " d-9 ", "first_name": "A"}""");
        assertThat(n.error()).isNull();
        assertThat(n.asMap()).containsOnlyKeys("device_id", "first_name");
        assertThat(n.asMap().get("device_id")).isEqualTo(NODES.stringNode("d-9"));
    }

    @Test
    void blankUserIdWithoutDeviceIdFails() {
        assertFailure(normalise("""
                {"user_id": "   ", "first_name": "A"}"""), "missing_required_field", "user_id");
    }

    /** An import creates the profile: a row with only its identifier has something to send (the vendor's word). */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"user_id": "u1"}                                 | user_id
            {"user_id": " u1 "}                               | user_id
            {"user_id": 42}                                   | user_id
            {"device_id": "d1"}                               | device_id
            {"user_id": "u1", "device_id": "d1"}              | user_id,device_id
            {"user_id": "u1", "email": "  "}                  | user_id
            {"user_id": "u1", "mobile_number": ""}            | user_id
            {"user_id": "u1", "device_id": null}              | user_id
            {"user_id": "u1", "device_id": "  "}              | user_id
            """)
    void identifierOnlyRowIsSentToCreateTheProfile(String fieldsJson, String columns) {
        var n = normalise(fieldsJson);
        assertThat(n.error()).isNull();
        assertThat(n.columns()).containsExactly(columns.split(","));
        assertThat(n.values()).allMatch(v -> v.isString() && !v.asString().isBlank());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            {}
            {"user_id": "  "}
            {"user_id": null}
            {"user_id": "", "device_id": null}
            {"first_name": "A"}
            """)
    void aRowWithoutAUsableIdentifierFailsRatherThanBeingSkipped(String fieldsJson) {
        assertFailure(normalise(fieldsJson), "missing_required_field", "user_id");
    }

    @Test
    void blankEmailIsTreatedAsAbsentSoNoSubscriptionIsNeeded() {
        var n = normalise("""
                {"user_id": "u1", "email": "   ", "first_name": "A"}""");
        assertThat(n.error()).isNull();
        assertThat(n.asMap()).containsOnlyKeys("user_id", "first_name");
    }

    @Test
    void blankMobileIsTreatedAsAbsent() {
        var n = normalise("""
                {"user_id": "u1", "mobile_number": " ", "first_name": "A"}""");
        assertThat(n.error()).isNull();
        assertThat(n.asMap()).containsOnlyKeys("user_id", "first_name");
    }

    @Test
    void nullValueKeptForClearingIsSentAsNull() {
        var n = normalise("""
                {"user_id": "u1", "first_name": null, "email": null}""");
        assertThat(n.error()).isNull();
        assertThat(n.asMap()).containsOnlyKeys("user_id", "first_name", "email");
        assertThat(n.asMap().get("first_name").isNull()).isTrue();
        assertThat(n.asMap().get("email").isNull()).as("clearing the e-mail needs no subscription").isTrue();
    }

    @Test
    void aNullIdentifierIsNeverSentEvenWhenClearing() {
        var n = normalise("""
                {"user_id": null, "device_id": "d2", "plan": "x"}""");
        assertThat(n.error()).isNull();
        assertThat(n.asMap()).containsOnlyKeys("device_id", "plan");
    }

    @ParameterizedTest(name = "[{index}] {0} null")
    @CsvSource(textBlock = """
            email_subscription
            sms_subscription
            """)
    void nullSubscriptionCannotBeCleared(String field) {
        assertFailure(normalise("{\"user_id\": \"u1\", \"" + field + "\": null}"),
                "invalid_subscription_status", field);
    }

    static Stream<Arguments> badSubscriptions() {
        return Stream.of(
                Arguments.of("email_subscription", "\"maybe\""),
                Arguments.of("email_subscription", "2"),
                Arguments.of("sms_subscription", "\"y\""),
                Arguments.of("sms_subscription", "[1]"));
    }

    @ParameterizedTest(name = "[{index}] {0}={1}")
    @MethodSource("badSubscriptions")
    void badSubscriptionValueFails(String field, String valueJson) {
        assertFailure(normalise("{\"user_id\": \"u1\", \"email\": \"a@example.com\", \"mobile_number\": "
                + "\"+353850123456\", \"email_subscription\": 1, \"sms_subscription\": 1, \"" + field + "\": "
                + valueJson + "}"), "invalid_subscription_status", field);
    }

    @Test
    void subscriptionAloneIsAField() {
        var n = normalise("""
                {"user_id": "u1", "email_subscription": "No"}""");
        assertThat(n.error()).isNull();
        assertThat(n.asMap().get("email_subscription")).isEqualTo(NODES.numberNode(0));
    }

    private static Map<String, JsonNode> fields(Object... kv) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (JsonNode) kv[i + 1]);
        }
        return m;
    }
}
