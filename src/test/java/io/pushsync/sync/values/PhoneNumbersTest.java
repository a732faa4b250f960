package io.pushsync.sync.values;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.values.PhoneNumbers.Validation;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    private final PhoneNumbers noRegion = new PhoneNumbers("");
    private final PhoneNumbers irish = new PhoneNumbers("IE");
    private final PhoneNumbers strict = new PhoneNumbers("", Validation.VALID);
    private final PhoneNumbers strictIrish = new PhoneNumbers("IE", Validation.VALID);

    // Expected values checked against libphonenumber 9.0.43. These UK numbers use 07911 (an assigned mobile range),
    // so they pass in both modes: Ofcom's drama range 07700 900xxx is possible but not valid (see below).
    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            +353850123456            | 353850123456
            353850123456             | 353850123456
            00353850123456           | 353850123456
            0044 7911 123456         | 447911123456
            +353 85 012 3456         | 353850123456
            +353-85-012-3456         | 353850123456
            +353.85.012.3456         | 353850123456
            +44 (7911) 123-456       | 447911123456
            (+353) 85 012 3456       | 353850123456
            (00353) 85 012 3456      | 353850123456
            (+44) 7911 123456        | 447911123456
            +44 (0) 7911 123456      | 447911123456
            447911123456             | 447911123456
            44 7911 123456           | 447911123456
            '  +353 85 012 3456  '   | 353850123456
            +1 (415) 555-2671        | 14155552671
            14155552671              | 14155552671
            +49 1512 3456789         | 4915123456789
            +33 6 12 34 56 78        | 33612345678
            """)
    void internationalShapesBecomeE164Digits(String raw, String expected) {
        for (PhoneNumbers phones : new PhoneNumbers[] {noRegion, strict}) {
            assertThat(phones.toE164Digits(raw)).contains(expected);
        }
        for (PhoneNumbers phones : new PhoneNumbers[] {irish, strictIrish}) {
            assertThat(phones.toE164Digits(raw)).as("a default region does not change international numbers")
                    .contains(expected);
        }
    }

    /**
     * Every phone number of the vendors' documents (docs/vendors.md, "phone numbers": Xtremepush's profile import
     * examples {@code 353850123456} and {@code 447700900900}, which its integration guide also gives as "E.164
     * without the plus") and of README.md's examples ({@code +353 85 012 3456}), in the shapes a warehouse holds them. The vendor
     * takes them, so pushsync does by default; the UK one is in Ofcom's drama range, which no valid-check passes.
     */
    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1}, valid: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            447700900900         | 447700900900 | false
            +447700900900        | 447700900900 | false
            +44 7700 900900      | 447700900900 | false
            00447700900900       | 447700900900 | false
            0044 7700 900 900    | 447700900900 | false
            +44 (0) 7700 900900  | 447700900900 | false
            (+44) 7700-900-900   | 447700900900 | false
            353850123456         | 353850123456 | true
            +353850123456        | 353850123456 | true
            00353850123456       | 353850123456 | true
            +353 85 012 3456     | 353850123456 | true
            """)
    void theVendorsOwnExamplesPassByDefault(String raw, String expected, boolean valid) {
        assertThat(noRegion.toE164Digits(raw)).contains(expected);
        assertThat(irish.toE164Digits(raw)).contains(expected);
        assertThat(noRegion.toE164(raw)).contains("+" + expected);
        assertThat(strict.toE164Digits(raw)).isEqualTo(valid ? Optional.of(expected) : Optional.empty());
    }

    @Test
    void theVendorsExamplesInNationalFormPassInTheirRegion() {
        assertThat(new PhoneNumbers("GB").toE164("07700 900900")).contains("+447700900900");
        assertThat(new PhoneNumbers("GB", Validation.VALID).toE164("07700 900900")).isEmpty();
        assertThat(irish.toE164("085 012 3456")).contains("+353850123456");
        assertThat(strictIrish.toE164("085 012 3456")).contains("+353850123456");
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' is rejected in both modes")
    @ValueSource(strings = {"12", "+12", "1234", "+35385", "3538501", "+3538501234567890123", "abc", "phone",
            "n/a", "", "   ", "0", "00", "+",
            "0850123456", "085 012 3456", "(085) 012 3456", "+353 85 ABC 3456", "353850123456x",
            "+353850123456 ext 12"})
    void invalidOrNationalNumbersAreRejectedWithoutDefaultRegion(String raw) {
        assertThat(noRegion.toE164Digits(raw)).isEmpty();
        assertThat(strict.toE164Digits(raw)).isEmpty();
    }

    /** A wrong length for the country, or a country calling code that does not exist, fails in both modes. */
    @ParameterizedTest(name = "[{index}] ''{0}'' is rejected in both modes")
    @ValueSource(strings = {
            "+44 7700 9009001",      // 11 national digits: the UK has at most 10
            "447700900900123",
            "+353 85",               // too short for Ireland
            "+353 85 012",           // too short for Ireland (docs/vendors.md's example of a failing number)
            "+1 415 555 267",        // 9 digits: North America has 10
            "+1 555 2671",           // 7 digits: possible for local dialling only, not as E.164
            "+33 6 12 34 56 7",      // France has 9
            "+33 6 12 34 56 789",
            "+49 1512 3456789012345",
            "+999 123456789",        // 999: no such country code
            "999123456789",
            "+210 1234567",          // 210: unassigned
            "00210 1234567",
            "+0 44 7700 900900"})    // no country code starts with 0
    void wrongLengthOrUnknownCountryCodeIsRejected(String raw) {
        assertThat(noRegion.toE164Digits(raw)).isEmpty();
        assertThat(irish.toE164Digits(raw)).isEmpty();
        assertThat(strict.toE164Digits(raw)).isEmpty();
    }

    /** Possible but not valid: a right length for the country, in a range its numbering plan does not assign. */
    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1} only when possible is enough")
    @CsvSource(delimiter = '|', textBlock = """
            +44 7700 900123      | 447700900123
            +1 555 555 0100      | 15555550100
            +353 80 999 9999     | 353809999999
            """)
    void possibleButNotValidPassesOnlyInPossibleMode(String raw, String expected) {
        assertThat(noRegion.toE164Digits(raw)).contains(expected);
        assertThat(strict.toE164Digits(raw)).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    void nullIsRejected(String raw) {
        assertThat(noRegion.toE164Digits(raw)).isEmpty();
        assertThat(irish.toE164Digits(raw)).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' in IE -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0850123456        | 353850123456
            085 012 3456      | 353850123456
            085-012-3456      | 353850123456
            (085) 012 3456    | 353850123456
            01 234 5678       | 35312345678
            """)
    void nationalNumbersAreReadInTheDefaultRegion(String raw, String expected) {
        assertThat(irish.toE164Digits(raw)).contains(expected);
    }

    @Test
    void defaultRegionIsTrimmedAndCaseInsensitive() {
        assertThat(new PhoneNumbers(" ie ").toE164Digits("0850123456")).contains("353850123456");
        assertThat(new PhoneNumbers(null).toE164Digits("0850123456")).isEmpty();
        assertThat(new PhoneNumbers("  ").toE164Digits("0850123456")).isEmpty();
    }

    @Test
    void nationalNumberOfAWrongLengthInTheDefaultRegionIsRejected() {
        assertThat(irish.toE164Digits("012")).isEmpty();
        assertThat(strictIrish.toE164Digits("012")).isEmpty();
        assertThat(new PhoneNumbers("GB").toE164Digits("07911 1234567")).isEmpty();
        assertThat(new PhoneNumbers("GB").toE164Digits("07911 123456")).contains("447911123456");
        assertThat(new PhoneNumbers("GB", Validation.VALID).toE164Digits("07911 123456")).contains("447911123456");
    }

    /** An Irish mobile read as British has a British length (9 digits) but lies in no British range. */
    @Test
    void nationalNumberOfARightLengthInAnUnassignedRangePassesOnlyWhenPossibleIsEnough() {
        assertThat(new PhoneNumbers("GB").toE164Digits("0850123456")).contains("44850123456");
        assertThat(new PhoneNumbers("GB", Validation.VALID).toE164Digits("0850123456")).isEmpty();
    }

    @Test
    void theModeIsRequired() {
        org.assertj.core.api.Assertions.assertThatNullPointerException().isThrownBy(() -> new PhoneNumbers("", null));
    }

    @Test
    void overlongInputIsRejectedBeforeParsing() {
        assertThat(noRegion.toE164Digits("+353 85 012 3456" + " ".repeat(30) + "7")).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void e164KeepsThePlusWhereAVendorWantsIt() {
        assertThat(noRegion.toE164("00353 85 012 3456")).contains("+353850123456");
        assertThat(noRegion.toE164("12")).isEmpty();
    }

    /**
     * The fast path for "+digits" (no parser) answers exactly as libphonenumber's parser, in both modes: for every
     * calling code, random national numbers of every length (valid and invalid ones, national prefixes and leading
     * zeros included), and every region's example numbers.
     */
    @ParameterizedTest
    @EnumSource(Validation.class)
    void theFastPathAnswersAsTheParserForEveryCallingCode(Validation validation) {
        PhoneNumbers phones = new PhoneNumbers("", validation);
        com.google.i18n.phonenumbers.PhoneNumberUtil util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        java.util.Random random = new java.util.Random(42);
        java.util.List<String> numbers = new java.util.ArrayList<>();
        for (int code : util.getSupportedCallingCodes()) {
            for (int length = 1; length <= 16; length++) {
                for (int k = 0; k < 12; k++) {
                    StringBuilder national = new StringBuilder();
                    for (int d = 0; d < length; d++) {
                        national.append((char) ('0' + random.nextInt(10)));
                    }
                    numbers.add("+" + code + national);
                }
            }
        }
        for (String region : util.getSupportedRegions()) {
            for (var type : com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType.values()) {
                var example = util.getExampleNumberForType(region, type);
                if (example != null) {
                    numbers.add(util.format(example, com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.E164));
                }
            }
        }
        int fast = 0;
        int passed = 0;
        for (String number : numbers) {
            Optional<String> quick = PhoneNumbers.fastInternational(number, validation);
            Optional<String> parsed = PhoneNumbers.parsed(number, "ZZ", validation);
            if (quick != null) {
                fast++;
                assertThat(quick).as(number).isEqualTo(parsed);
            }
            if (parsed.isPresent()) {
                passed++;
            }
            assertThat(phones.toE164Digits(number)).as(number).isEqualTo(parsed);
        }
        assertThat(fast).as("most numbers take the fast path").isGreaterThan(numbers.size() / 2);
        assertThat(passed).as("numbers that pass are among them").isGreaterThan(1000);
        assertThat(passed).as("and numbers that do not").isLessThan(numbers.size() - 1000);
    }

    /** A valid number is possible too, with the same digits: the strict mode only ever refuses more. */
    @Test
    void validIsStricterThanPossible() {
        java.util.Random random = new java.util.Random(7);
        int valid = 0;
        for (int code : com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance().getSupportedCallingCodes()) {
            for (int length = 4; length <= 14; length++) {
                for (int k = 0; k < 20; k++) {
                    StringBuilder number = new StringBuilder("+").append(code).append((char) ('1' + random.nextInt(9)));
                    for (int d = 1; d < length; d++) {
                        number.append((char) ('0' + random.nextInt(10)));
                    }
                    Optional<String> strictly = strict.toE164Digits(number.toString());
                    if (strictly.isPresent()) {
                        valid++;
                        assertThat(noRegion.toE164Digits(number.toString())).as("%s", number).isEqualTo(strictly);
                    }
                }
            }
        }
        assertThat(valid).isGreaterThan(1000);
    }

    /** Control whitespace inside a number: the parser refuses it, and the fast path leaves such numbers to it. */
    @ParameterizedTest
    @ValueSource(strings = {"+353\t85 012 3456", "353\n850123456", "+353\u000B850123456", "+353 85\r012 3456"})
    void controlWhitespaceInsideANumberIsRefusedAsByTheParser(String raw) {
        for (Validation validation : Validation.values()) {
            assertThat(PhoneNumbers.parsed(raw.startsWith("+") ? raw : "+" + raw, "ZZ", validation)).isEmpty();
        }
        assertThat(noRegion.toE164Digits(raw)).isEmpty();
        assertThat(strict.toE164Digits(raw)).isEmpty();
    }
}
