package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.SyncRow;
import io.pushsync.sync.values.PhoneNumbers;
import io.pushsync.testsupport.HostileJson;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
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

    /** The normaliser's cheap pre-check only refuses what libphonenumber would refuse too: it never weakens it. */
    @Property(tries = 2000)
    void theDigitCountPreCheckRefusesNothingLibphonenumberAccepts(@ForAll("phoneLikeStrings") String raw) {
        if (ProfileNormaliser.hasTooFewDigits(raw)) {
            assertThat(new PhoneNumbers("IE").toE164Digits(raw)).isEmpty();
            assertThat(new PhoneNumbers("AT").toE164Digits(raw)).isEmpty();
        }
    }
}
