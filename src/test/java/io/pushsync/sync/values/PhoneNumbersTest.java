package io.pushsync.sync.values;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    private final PhoneNumbers noRegion = new PhoneNumbers("");
    private final PhoneNumbers irish = new PhoneNumbers("IE");

    // Expected values checked against libphonenumber 9.0.43. UK numbers use 07911 (an assigned mobile range):
    // Ofcom's drama range 07700 900xxx is not a valid number for libphonenumber.
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
        assertThat(noRegion.toE164Digits(raw)).contains(expected);
        assertThat(irish.toE164Digits(raw)).as("a default region does not change international numbers")
                .contains(expected);
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' is rejected")
    @ValueSource(strings = {"12", "+12", "1234", "+35385", "3538501", "+3538501234567890123", "abc", "phone",
            "n/a", "", "   ", "0", "00", "+", "+447700900900", "447700900900",
            "0850123456", "085 012 3456", "(085) 012 3456", "+353 85 ABC 3456", "353850123456x",
            "+353850123456 ext 12"})
    void invalidOrNationalNumbersAreRejectedWithoutDefaultRegion(String raw) {
        assertThat(noRegion.toE164Digits(raw)).isEmpty();
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
    void nationalNumberInvalidInTheDefaultRegionIsRejected() {
        assertThat(irish.toE164Digits("012")).isEmpty();
        assertThat(new PhoneNumbers("GB").toE164Digits("0850123456")).isEmpty();
        assertThat(new PhoneNumbers("GB").toE164Digits("07911 123456")).contains("447911123456");
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
     * The fast path for "+digits" (no parser) answers exactly as libphonenumber's parser: for every calling code,
     * random national numbers of every length (valid and invalid ones, national prefixes and leading zeros
     * included), and every region's example numbers.
     */
    @Test
    void theFastPathAnswersAsTheParserForEveryCallingCode() {
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
        int valid = 0;
        for (String number : numbers) {
            java.util.Optional<String> quick = PhoneNumbers.fastInternational(number);
            java.util.Optional<String> parsed = PhoneNumbers.parsed(number, "ZZ");
            if (quick != null) {
                fast++;
                assertThat(quick).as(number).isEqualTo(parsed);
            }
            if (parsed.isPresent()) {
                valid++;
            }
            assertThat(noRegion.toE164Digits(number)).as(number).isEqualTo(parsed);
        }
        assertThat(fast).as("most numbers take the fast path").isGreaterThan(numbers.size() / 2);
        assertThat(valid).as("valid numbers are among them").isGreaterThan(1000);
    }

    /** Control whitespace inside a number: the parser refuses it, and the fast path leaves such numbers to it. */
    @ParameterizedTest
    @ValueSource(strings = {"+353\t85 012 3456", "353\n850123456", "+353\u000B850123456", "+353 85\r012 3456"})
    void controlWhitespaceInsideANumberIsRefusedAsByTheParser(String raw) {
        assertThat(PhoneNumbers.parsed(raw.startsWith("+") ? raw : "+" + raw, "ZZ")).isEmpty();
        assertThat(noRegion.toE164Digits(raw)).isEmpty();
    }
}
