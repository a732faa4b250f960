package io.pushsync.destination.xtremepush;

import static io.pushsync.sync.values.Text.clip;

import io.pushsync.sync.values.EmailAddresses;
import io.pushsync.sync.values.PhoneNumbers;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.SyncRow;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Validates and normalises one profile row into the values of an {@code import/profile} row. Pure and thread-safe:
 * the rows of a batch are normalised in parallel.
 *
 * <ul>
 *   <li>{@code user_id}, {@code device_id}: string or number, trimmed; blank counts as absent.</li>
 *   <li>{@code email}: trimmed, lower-cased, must look like an address; needs {@code email_subscription}.</li>
 *   <li>{@code mobile_number}: to E.164 digits (a JSON number); needs {@code sms_subscription}.</li>
 *   <li>A blank {@code email} or {@code mobile_number} is treated like null.</li>
 *   <li>Subscriptions to {@code 1}/{@code 0}; JSON objects and arrays to JSON strings; other values unchanged.</li>
 *   <li>A row with nothing but its identifier is sent: an import creates the profile (the vendor: "Used to create
 *   new user profiles and/or set attributes"). So no row is skipped: one with an identifier always has something
 *   to send, one without fails {@code missing_required_field}.</li>
 * </ul>
 */
final class ProfileNormaliser {

    static final String USER_ID = "user_id";
    static final String DEVICE_ID = "device_id";
    static final String EMAIL = "email";
    static final String MOBILE = "mobile_number";
    static final String EMAIL_SUBSCRIPTION = "email_subscription";
    static final String SMS_SUBSCRIPTION = "sms_subscription";
    /** The columns that say which profile a row is. */
    static final Set<String> IDENTIFIERS = Set.of(USER_ID, DEVICE_ID);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Fewer digits than this cannot be even a possible number: an international one has at least 6 (a 2-digit
     * country code and 4 digits, Austria), a national one at least 5 (the prefix 0 and 4 digits, Austria) or, in a
     * default region without a national prefix, 4 (a number of 4 digits that starts with 0, e.g. St Helena).
     */
    private static final int MIN_PHONE_DIGITS = 4;

    /**
     * Either {@code values} (aligned to {@code columns}, in the row's field order) or {@code error} (the row failed)
     * is set. Two arrays instead of a map per row: a batch has many.
     */
    record Normalised(String[] columns, JsonNode[] values, RowError error) {
        static Normalised fail(ErrorCode code, String field, String message) {
            return new Normalised(null, null, RowError.of(code, field, message));
        }

        /** The values by column, in order (null for a failed row). */
        Map<String, JsonNode> asMap() {
            if (values == null) {
                return null;
            }
            Map<String, JsonNode> map = new LinkedHashMap<>();
            for (int i = 0; i < columns.length; i++) {
                map.put(columns[i], values[i]);
            }
            return map;
        }
    }

    private final PhoneNumbers phones;

    ProfileNormaliser(PhoneNumbers phones) {
        this.phones = phones;
    }

    Normalised normalise(SyncRow row) {
        Map<String, JsonNode> fields = row.fields();
        Out out = new Out(fields.size());
        for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
            String name = e.getKey();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                if (USER_ID.equals(name) || DEVICE_ID.equals(name)) {
                    continue; // an identifier is never cleared: it says which profile the row is
                }
                if (EMAIL_SUBSCRIPTION.equals(name) || SMS_SUBSCRIPTION.equals(name)) {
                    return Normalised.fail(ErrorCode.INVALID_SUBSCRIPTION_STATUS, name,
                            name + " cannot be cleared: it must be 1 or 0 (or true/false, yes/no, opted_in/opted_out)");
                }
                out.put(name, value); // options.nulls = clear: the core kept the null on purpose
                continue;
            }
            Normalised failure = switch (name) {
                case USER_ID, DEVICE_ID -> identifier(name, value, out);
                case EMAIL -> email(value, out);
                case MOBILE -> mobile(value, out);
                case EMAIL_SUBSCRIPTION, SMS_SUBSCRIPTION -> subscription(name, value, out);
                default -> {
                    out.put(name, (value.isObject() || value.isArray())
                            ? NODES.stringNode(XtremepushWire.jsonText(value)) : value);
                    yield null;
                }
            };
            if (failure != null) {
                return failure;
            }
        }
        if (!out.has(USER_ID) && !out.has(DEVICE_ID)) {
            return Normalised.fail(ErrorCode.MISSING_REQUIRED_FIELD, USER_ID,
                    "required field 'user_id' (or 'device_id') is missing or blank");
        }
        if (out.hasValue(EMAIL) && !out.has(EMAIL_SUBSCRIPTION)) {
            return Normalised.fail(ErrorCode.MISSING_SUBSCRIPTION_STATUS, EMAIL_SUBSCRIPTION,
                    "email is set, so email_subscription must be set too (1 = opted in, 0 = opted out)");
        }
        if (out.hasValue(MOBILE) && !out.has(SMS_SUBSCRIPTION)) {
            return Normalised.fail(ErrorCode.MISSING_SUBSCRIPTION_STATUS, SMS_SUBSCRIPTION,
                    "mobile_number is set, so sms_subscription must be set too (1 = opted in, 0 = opted out)");
        }
        return out.normalised();
    }

    private static Normalised identifier(String name, JsonNode value, Out out) {
        if (!value.isString() && !value.isIntegralNumber()) {
            return Normalised.fail(ErrorCode.INVALID_FIELD, name, name + " must be a string or an integer");
        }
        String id = value.asString().trim();
        if (!id.isEmpty()) {
            out.put(name, NODES.stringNode(id));
        }
        return null;
    }

    private static Normalised email(JsonNode value, Out out) {
        if (!value.isString()) {
            return Normalised.fail(ErrorCode.INVALID_FIELD, EMAIL, "email must be a string");
        }
        String email = EmailAddresses.normalise(value.stringValue());
        if (email.isEmpty()) {
            return null;
        }
        if (!EmailAddresses.isValid(email)) {
            return Normalised.fail(ErrorCode.INVALID_FIELD, EMAIL, "not an e-mail address: '" + clip(email) + "'");
        }
        out.put(EMAIL, NODES.stringNode(email));
        return null;
    }

    private Normalised mobile(JsonNode value, Out out) {
        if (!value.isString() && !value.isIntegralNumber()) {
            return Normalised.fail(ErrorCode.INVALID_PHONE_NUMBER, MOBILE,
                    "mobile_number must be a string or an integer");
        }
        String raw = value.asString();
        if (raw.isBlank()) {
            return null;
        }
        // libphonenumber is the judge, but it is the costliest step of a row: spare it values that cannot pass
        Optional<String> digits = hasTooFewDigits(raw) ? Optional.empty() : phones.toE164Digits(raw);
        if (digits.isEmpty()) {
            return Normalised.fail(ErrorCode.INVALID_PHONE_NUMBER, MOBILE,
                    "not a valid phone number: '" + clip(raw) + "'");
        }
        out.put(MOBILE, XtremepushWire.mobileNumber(digits.get()));
        return null;
    }

    /** Whether {@code raw} has fewer digits than any number libphonenumber could find possible (or valid). */
    static boolean hasTooFewDigits(String raw) {
        int digits = 0;
        for (int i = 0; i < raw.length() && digits < MIN_PHONE_DIGITS; i++) {
            if (Character.isDigit(raw.charAt(i))) {
                digits++;
            }
        }
        return digits < MIN_PHONE_DIGITS;
    }

    private static Normalised subscription(String name, JsonNode value, Out out) {
        Optional<Integer> status = SubscriptionStatus.parse(value);
        if (status.isEmpty()) {
            return Normalised.fail(ErrorCode.INVALID_SUBSCRIPTION_STATUS, name, "not a subscription status: "
                    + clip(value.toString()) + " (use 1/0, true/false, yes/no or opted_in/opted_out)");
        }
        out.put(name, NODES.numberNode(status.get()));
        return null;
    }

    /** The values of one row as they are normalised, at most one per field of the row. */
    private static final class Out {
        private final String[] columns;
        private final JsonNode[] values;
        private int size;

        Out(int capacity) {
            columns = new String[capacity];
            values = new JsonNode[capacity];
        }

        void put(String column, JsonNode value) {
            columns[size] = column;
            values[size++] = value;
        }

        boolean has(String column) {
            return indexOf(column) >= 0;
        }

        boolean hasValue(String column) {
            int i = indexOf(column);
            return i >= 0 && !values[i].isNull();
        }

        Normalised normalised() {
            return size == columns.length ? new Normalised(columns, values, null)
                    : new Normalised(Arrays.copyOf(columns, size), Arrays.copyOf(values, size), null);
        }

        private int indexOf(String column) {
            for (int i = 0; i < size; i++) {
                if (columns[i].equals(column)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
