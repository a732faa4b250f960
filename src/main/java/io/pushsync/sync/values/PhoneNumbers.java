package io.pushsync.sync.values;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Phone numbers to E.164, with or without the {@code +} (Xtremepush wants digits only, e.g. {@code 353850123456}).
 *
 * <p>Accepted: {@code +353 85 012 3456}, {@code 00353...}, {@code 353...} (digits are taken as international when
 * there is no {@code +}/{@code 00} and no leading {@code 0}), spaces, dashes, dots and brackets. Letters (keypad
 * words, extensions) are rejected. A national number (leading {@code 0}) is read in {@code defaultRegion} when one
 * is configured, and rejected otherwise.
 */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Pattern SEPARATORS = Pattern.compile("[\\s().\\-]");

    private final String defaultRegion;

    public PhoneNumbers(String defaultRegion) {
        this.defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? null : defaultRegion.trim().toUpperCase();
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
        if (s.chars().anyMatch(Character::isLetter)) {
            return Optional.empty();
        }
        String region = "ZZ";
        // decide on the number without separators, so that "(+353) 85..." and "(00353) 85..." are international too
        String digits = SEPARATORS.matcher(s).replaceAll("");
        if (digits.startsWith("00")) {
            s = "+" + digits.substring(2);
        } else if (!digits.startsWith("+")) {
            if (digits.startsWith("0")) {
                if (defaultRegion == null) {
                    return Optional.empty();
                }
                region = defaultRegion;
            } else {
                s = "+" + s;
            }
        }
        try {
            PhoneNumber number = UTIL.parse(s, region);
            if (!UTIL.isValidNumber(number)) {
                return Optional.empty();
            }
            return Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164).substring(1));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
