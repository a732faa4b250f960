package io.pushsync.api;

import io.pushsync.sync.values.Text;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The paging parameters of the {@code /v1} pages, read as text: a bad one is a 400 naming it (errors[]), whatever it
 * holds (a word, a fraction, a repeated parameter "1,2", a number beyond int).
 */
final class PagingParameters {

    private PagingParameters() {
    }

    /** An offset and a limit that passed their checks. */
    record Page(int offset, int limit) {
    }

    /**
     * {@code offset} (0 or more) and {@code limit} (1 to {@code maxLimit}); both bad ones are named in one 400.
     *
     * @param limitRange how the message states the limit's range
     */
    static Page page(String offset, String limit, int maxLimit, String limitRange) {
        Map<String, String> errors = new LinkedHashMap<>();
        Integer from = integer("offset", offset, 0, Integer.MAX_VALUE, "0 or more", errors);
        Integer size = integer("limit", limit, 1, maxLimit, limitRange, errors);
        if (!errors.isEmpty()) {
            throw new InvalidPagingException(errors);
        }
        return new Page(from, size);
    }

    /** One integer parameter in {@code [min, max]}; a bad one is a 400 at once. */
    static int integer(String name, String text, int min, int max) {
        Map<String, String> errors = new LinkedHashMap<>();
        Integer value = integer(name, text, min, max, "between " + min + " and " + max, errors);
        if (value == null) {
            throw new InvalidPagingException(errors);
        }
        return value;
    }

    /** The parameter's value, or null with its message added to {@code errors}. */
    private static Integer integer(String name, String text, int min, int max, String range,
            Map<String, String> errors) {
        String value = text.strip();
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException notAnInt) {
            // a word, a fraction, a repeated parameter ("1,2") or beyond int: reported like an out-of-range number
        }
        errors.put(name, name + " must be an integer " + range + ", not '" + Text.clip(value, 40) + "'");
        return null;
    }

    /** Bad paging parameters: parameter name -> message (answered 400, see ProblemDetailsAdvice). */
    static final class InvalidPagingException extends RuntimeException {
        private final Map<String, String> errors;

        InvalidPagingException(Map<String, String> errors) {
            super(String.join("; ", errors.values()), null, false, false);
            this.errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        }

        Map<String, String> errors() {
            return errors;
        }
    }
}
