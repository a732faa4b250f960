package io.pushsync.sync.values;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.Phonemetadata;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Phone numbers to E.164, with or without the {@code +} (Xtremepush wants digits only, e.g. {@code 353850123456}).
 *
 * <p>Accepted: {@code +353 85 012 3456}, {@code 00353...}, {@code 353...} (digits are taken as international when
 * there is no {@code +}/{@code 00} and no leading {@code 0}), spaces, dashes, dots and brackets. Letters (keypad
 * words, extensions) are rejected. A national number (leading {@code 0}) is read in {@code defaultRegion} when one
 * is configured, and rejected otherwise.
 *
 * <p>What passes is decided by {@link Validation}: by default a <em>possible</em> number (a known country calling
 * code and a length that country uses), as the vendors accept it, or, stricter, a <em>valid</em> one (also in a
 * range the numbering plan has assigned, per libphonenumber's metadata).
 */
public final class PhoneNumbers {

    /** How strictly a number is checked once it is read ({@code pushsync.phone-numbers.validation}). */
    public enum Validation {
        /**
         * A known country calling code and a national number of a length that country uses
         * (libphonenumber's {@code isPossibleNumberWithReason} is {@code IS_POSSIBLE}; a number that is only
         * possible for local dialling, without its area code, is not enough for E.164). The vendors' own examples,
         * such as the UK drama range {@code 447700900900}, pass.
         */
        POSSIBLE,
        /** Also within a range assigned in libphonenumber's metadata ({@code isValidNumber}). */
        VALID
    }

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final java.util.Set<Integer> CALLING_CODES = Set.copyOf(UTIL.getSupportedCallingCodes());
    private static final Map<Integer, NationalPrefix> NATIONAL_PREFIXES = new ConcurrentHashMap<>();
    /** The longest national number {@link #fastInternational} reads. */
    private static final int MAX_NATIONAL_LENGTH = 17;
    /**
     * Whether a number is possible, by calling code and national number length: 0 not known yet, 1 possible, 2 not.
     * libphonenumber's {@code isPossibleNumberWithReason} looks at nothing else (the length lists of the calling
     * code's metadata), so the answer is remembered instead of asked for every row. Races only ask twice.
     */
    private static final byte[] POSSIBLE_BY_CODE_AND_LENGTH = new byte[1000 * (MAX_NATIONAL_LENGTH + 1)];

    private final String defaultRegion;
    private final Validation validation;

    /** Checking {@link Validation#POSSIBLE possible} numbers. */
    public PhoneNumbers(String defaultRegion) {
        this(defaultRegion, Validation.POSSIBLE);
    }

    public PhoneNumbers(String defaultRegion, Validation validation) {
        this.defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? null : defaultRegion.trim().toUpperCase();
        this.validation = Objects.requireNonNull(validation, "validation");
    }

    /** E.164 with its {@code +}, e.g. {@code +353850123456}. */
    public Optional<String> toE164(String raw) {
        return toE164Digits(raw).map(d -> "+" + d);
    }

    /** E.164 digits without {@code +}, e.g. {@code 353850123456}. */
    public Optional<String> toE164Digits(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.isEmpty() || s.length() > 40) {
            return Optional.empty();
        }
        // libphonenumber would turn letters into keypad digits ("85 ABC" -> "85 222") and drop an "x" extension:
        // in warehouse data letters mean a bad value, and a converted number would reach the wrong person
        if (hasLetter(s)) {
            return Optional.empty();
        }
        String region = "ZZ";
        // decide on the number without separators, so that "(+353) 85..." and "(00353) 85..." are international too
        String digits = withoutSeparators(s);
        String international;
        if (digits.startsWith("00")) {
            s = "+" + digits.substring(2);
            international = s;
        } else if (digits.startsWith("+")) {
            international = digits;
        } else if (digits.startsWith("0")) {
            if (defaultRegion == null) {
                return Optional.empty();
            }
            region = defaultRegion;
            international = null;
        } else {
            s = "+" + s;
            international = "+" + digits;
        }
        if (international != null && !hasControlWhitespace(s)) { // the parser refuses those: let it
            Optional<String> fast = fastInternational(international, validation);
            if (fast != null) {
                return fast;
            }
        }
        return parsed(s, region, validation);
    }

    private static boolean hasLetter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isLetter(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasControlWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    /** {@code s} without spaces, brackets, dots and dashes (a loop: this runs for every number of a batch). */
    private static String withoutSeparators(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean separator = c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r' || c == '('
                    || c == ')' || c == '.' || c == '-';
            if (separator && sb == null) {
                sb = new StringBuilder(s.length()).append(s, 0, i);
            } else if (!separator && sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * The common case without libphonenumber's parser (most of its cost): {@code +} and digits whose national part
     * neither starts with 0 nor with the country's national prefix. Then the parser would take the country calling
     * code the same way (the first of 1, 2 or 3 digits that is one), strip nothing and keep the digits as they are,
     * so only the check ({@code validation}) is left to libphonenumber. Null when the number is not of that kind: the
     * parser decides ({@code PhoneNumbersTest} compares both ways on generated numbers, in both modes).
     */
    static Optional<String> fastInternational(String plusDigits, Validation validation) {
        int n = plusDigits.length();
        if (n < 4 || n > 19 || plusDigits.charAt(0) != '+') {
            return null;
        }
        for (int i = 1; i < n; i++) {
            char c = plusDigits.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        int countryCode = -1;
        int nationalStart = -1;
        for (int len = 1; len <= 3 && len < n - 1; len++) {
            if (plusDigits.charAt(1) == '0') {
                break; // no calling code starts with 0: the parser fails it
            }
            int candidate = Integer.parseInt(plusDigits, 1, 1 + len, 10);
            if (CALLING_CODES.contains(candidate)) {
                countryCode = candidate;
                nationalStart = 1 + len;
                break;
            }
        }
        if (countryCode < 0) {
            return null;
        }
        String national = plusDigits.substring(nationalStart);
        if (national.length() < 2 || national.length() > MAX_NATIONAL_LENGTH || national.charAt(0) == '0'
                || nationalPrefixMayApply(countryCode, national)) {
            return null;
        }
        PhoneNumber number = new PhoneNumber().setCountryCode(countryCode).setNationalNumber(Long.parseLong(national));
        boolean passes = validation == Validation.POSSIBLE ? possible(number, national.length())
                : passes(number, validation);
        return passes ? Optional.of(plusDigits.substring(1)) : Optional.empty();
    }

    /**
     * {@link #passes} for {@link Validation#POSSIBLE}, remembered per calling code and length; {@code number} has
     * no leading zero ({@link #fastInternational}), so its national significant number is {@code nationalLength}
     * digits long.
     */
    private static boolean possible(PhoneNumber number, int nationalLength) {
        int at = number.getCountryCode() * (MAX_NATIONAL_LENGTH + 1) + nationalLength;
        byte known = POSSIBLE_BY_CODE_AND_LENGTH[at];
        if (known == 0) {
            known = passes(number, Validation.POSSIBLE) ? (byte) 1 : (byte) 2;
            POSSIBLE_BY_CODE_AND_LENGTH[at] = known;
        }
        return known == 1;
    }

    /** Whether the country's national prefix (for parsing) matches the start of {@code national}: the parser may strip it. */
    private static boolean nationalPrefixMayApply(int countryCode, String national) {
        return NATIONAL_PREFIXES.computeIfAbsent(countryCode, PhoneNumbers::nationalPrefix).startsWith(national);
    }

    /**
     * A country's national prefix for parsing (null: it has none), with a matcher per thread: the check is on a
     * row's hot path, and a new {@link java.util.regex.Matcher} a row was a large part of what a batch allocated.
     */
    private static final class NationalPrefix {
        private final ThreadLocal<java.util.regex.Matcher> matchers;

        NationalPrefix(Pattern pattern) {
            this.matchers = pattern == null ? null : ThreadLocal.withInitial(() -> pattern.matcher(""));
        }

        boolean startsWith(String national) {
            if (matchers == null) {
                return false;
            }
            java.util.regex.Matcher m = matchers.get();
            boolean found = m.reset(national).lookingAt();
            m.reset(""); // keeps no number
            return found;
        }
    }

    private static NationalPrefix nationalPrefix(int countryCode) {
        return new NationalPrefix(nationalPrefixPattern(countryCode));
    }

    private static Pattern nationalPrefixPattern(int countryCode) {
        String region = UTIL.getRegionCodeForCountryCode(countryCode);
        var source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
        Phonemetadata.PhoneMetadata metadata = PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)
                ? source.getMetadataForNonGeographicalRegion(countryCode) : source.getMetadataForRegion(region);
        if (metadata == null || !metadata.hasNationalPrefixForParsing()
                || metadata.getNationalPrefixForParsing().isEmpty()) {
            return null;
        }
        return Pattern.compile(metadata.getNationalPrefixForParsing());
    }

    /** Whether a read number passes: the length check is much cheaper than the validity check (no patterns). */
    private static boolean passes(PhoneNumber number, Validation validation) {
        return validation == Validation.POSSIBLE
                ? UTIL.isPossibleNumberWithReason(number) == ValidationResult.IS_POSSIBLE
                : UTIL.isValidNumber(number);
    }

    /** libphonenumber's parser and the check of {@code validation}. */
    static Optional<String> parsed(String s, String region, Validation validation) {
        try {
            PhoneNumber number = UTIL.parse(s, region);
            if (!passes(number, validation)) {
                return Optional.empty();
            }
            return Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164).substring(1));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
