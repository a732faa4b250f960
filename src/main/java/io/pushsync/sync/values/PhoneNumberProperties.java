package io.pushsync.sync.values;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.phone-numbers.*}: how phone numbers are checked, for every destination.
 *
 * @param validation {@code possible} (default): a known country calling code and a length that country uses, as
 *     the vendors accept numbers (their own examples include the UK drama range {@code 447700900900});
 *     {@code valid}: also within a range libphonenumber's metadata lists as assigned (stricter than the vendors)
 */
@ConfigurationProperties("pushsync.phone-numbers")
public record PhoneNumberProperties(@DefaultValue("possible") PhoneNumbers.Validation validation) {

    public PhoneNumberProperties {
        if (validation == null) {
            throw new IllegalArgumentException("pushsync.phone-numbers.validation must be possible or valid");
        }
    }

    /** Phone numbers read in {@code defaultRegion} (a vendor's {@code default-phone-region}) and checked as set here. */
    public PhoneNumbers phoneNumbers(String defaultRegion) {
        return new PhoneNumbers(defaultRegion, validation);
    }
}
