package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.SyncRow;
import io.pushsync.sync.values.PhoneNumbers;
import io.pushsync.testsupport.HostileJson;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.JsonNode;

/** Any row value: the normaliser answers values to send or a row error, never an exception. */
class ProfileNormaliserPropertiesTest {

    private final ProfileNormaliser normaliser = new ProfileNormaliser(new PhoneNumbers("IE"));

    @Provide
    Arbitrary<Map<String, JsonNode>> fields() {
        return Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of("user_id", "device_id", "email", "mobile_number",
                        "email_subscription", "sms_subscription", "first_name", "plan"), HostileJson.strings()),
                HostileJson.values(3)).ofMaxSize(8).map(LinkedHashMap::new);
    }

    @Property(tries = 500)
    void valuesOrARowErrorNeverAnException(@ForAll("fields") Map<String, JsonNode> fields) {
        ProfileNormaliser.Normalised n = normaliser.normalise(new SyncRow(0, "r", null, fields));

        assertThat(n.values() == null).isEqualTo(n.error() != null);
        if (n.values() != null) {
            assertThat(n.asMap().keySet()).containsAnyOf("user_id", "device_id");
            for (String id : new String[] {"user_id", "device_id"}) {
                JsonNode v = n.asMap().get(id);
                if (v != null) {
                    assertThat(v.isString()).isTrue();
                    assertThat(v.asString()).isNotEmpty().isEqualTo(v.asString().trim());
                }
            }
            n.asMap().forEach((k, v) -> assertThat(v.isObject() || v.isArray()).as(k).isFalse());
            JsonNode email = n.asMap().get("email");
            if (email != null && !email.isNull()) {
                assertThat(email.asString()).isEqualTo(email.asString().trim().toLowerCase(java.util.Locale.ROOT));
                assertThat(n.asMap()).containsKey("email_subscription");
            }
        }
    }

    @Provide
    Arbitrary<String> phoneLikeStrings() {
        return Arbitraries.strings().withChars("0123456789+()-. /x#*").withCharRange('\u0660', '\u0669')
                .ofMaxLength(30);
    }

    /**
     * The normaliser's cheap pre-check only refuses what libphonenumber would refuse too, in either mode: it never
     * makes the check stricter. AT has the shortest national numbers behind a national prefix; SH, TK and NU have
     * 4-digit numbers and no national prefix, so "0123" is a possible number there.
     */
    @Property(tries = 2000)
    void theDigitCountPreCheckRefusesNothingLibphonenumberAccepts(@ForAll("phoneLikeStrings") String raw) {
        if (ProfileNormaliser.hasTooFewDigits(raw)) {
            for (String region : new String[] {"IE", "AT", "SH", "TK", "NU", "LU"}) {
                for (PhoneNumbers.Validation validation : PhoneNumbers.Validation.values()) {
                    assertThat(new PhoneNumbers(region, validation).toE164Digits(raw)).as("%s %s", region, validation)
                            .isEmpty();
                }
            }
        }
    }

    @Example
    void theShortestPossibleNumbersPassThePreCheck() {
        assertThat(ProfileNormaliser.hasTooFewDigits("0123")).isFalse();
        assertThat(new PhoneNumbers("SH").toE164Digits("0123")).contains("2900123");
        assertThat(ProfileNormaliser.hasTooFewDigits("012")).isTrue();
    }
}
