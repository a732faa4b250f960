package io.pushsync.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A vendor's message loses every secret of the call, in whatever form the vendor echoed it: as is, in another case,
 * URL-encoded ({@link URLEncoder} and RFC 3986), JSON-escaped, or clipped to its first characters.
 */
class SecretRedactionTest {

    /** A credential with characters every encoding treats differently: '/', '+', '=', '~', '*', a space, an 'é'. */
    static final String SECRET = "xP9/aB+cD=eF~gH*iJ kLé-Q7";
    /** A plain one, as app tokens look. */
    static final String TOKEN = "xp-app-token-7f3c9e21-SECRET";

    private static String redact(String text, String... secrets) {
        return SecretRedaction.redact(text, java.util.Arrays.stream(secrets).map(Secret::of).toList());
    }

    /** RFC 3986 percent-encoding: everything but the unreserved characters, UTF-8, upper-case hex. */
    static String rfc3986(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    /** JSON string escaping as a strict writer does it: '/' as "\/", non-ASCII as a unicode escape. */
    static String jsonEscaped(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '/' || c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c > 0x7E) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void assertRedacted(String form) {
        assertThat(form).as("the form differs from the secret").isNotEqualTo(SECRET);
        String message = "invalid credentials '" + form + "' for app 42";
        assertThat(redact(message, SECRET)).as(form).isEqualTo("invalid credentials '****' for app 42");
    }

    @Test
    void theSecretAsItIs() {
        assertThat(redact("bad token " + TOKEN + ", try again", TOKEN)).isEqualTo("bad token ****, try again");
        assertThat(redact("x" + SECRET + "y" + SECRET, SECRET)).isEqualTo("x****y****");
    }

    @Test
    void upperAndLowerCased() {
        assertRedacted(SECRET.toUpperCase(Locale.ROOT));
        assertRedacted(SECRET.toLowerCase(Locale.ROOT));
        assertThat(redact("BAD TOKEN " + TOKEN.toUpperCase(Locale.ROOT), TOKEN)).isEqualTo("BAD TOKEN ****");
    }

    @Test
    void urlEncoded() {
        assertRedacted(URLEncoder.encode(SECRET, StandardCharsets.UTF_8)); // xP9%2FaB%2BcD%3DeF%7EgH*iJ+kL%C3%A9-Q7
        assertRedacted(rfc3986(SECRET)); // xP9%2FaB%2BcD%3DeF~gH%2AiJ%20kL%C3%A9-Q7
        assertRedacted(rfc3986(SECRET).toLowerCase(Locale.ROOT)); // lower-case hex, and the secret lower-cased
        assertRedacted(rfc3986(SECRET).replace("%2F", "%2f").replace("%C3%A9", "%c3%a9"));
        // as a query parameter of a URL the vendor echoes
        assertThat(redact("GET /v1/x?token=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8) + "&a=1 failed",
                SECRET)).isEqualTo("GET /v1/x?token=****&a=1 failed");
    }

    @Test
    void jsonEscaped() {
        assertRedacted(jsonEscaped(SECRET)); // xP9\/aB+cD=eF~gH*iJ kL\u00e9-Q7
        assertRedacted(jsonEscaped(SECRET).replace("\\u00e9", "\\u00E9"));
        // every character as a unicode escape
        StringBuilder all = new StringBuilder();
        for (char c : SECRET.toCharArray()) {
            all.append(String.format("\\u%04X", (int) c));
        }
        assertRedacted(all.toString());
        assertThat(redact("{\"error\":\"token \\\"" + TOKEN + "\\\" revoked\"}", TOKEN))
                .isEqualTo("{\"error\":\"token \\\"****\\\" revoked\"}");
    }

    @Test
    void mixedForms() {
        // a JSON-escaped '/', a percent-encoded '+', an upper-cased rest
        String form = "XP9\\/AB%2BCD=EF~GH*IJ KL\\u00C9-Q7";
        assertRedacted(form);
    }

    @Test
    void clippedAtTheEndOfTheMessage() {
        // vendors clip long messages: the token's first characters end the message
        assertThat(redact("request rejected for token " + TOKEN.substring(0, 12), TOKEN))
                .isEqualTo("request rejected for token ****");
        assertThat(redact("request rejected for token " + TOKEN.substring(0, 8) + "...", TOKEN))
                .isEqualTo("request rejected for token ****...");
        assertThat(redact("rejected: " + URLEncoder.encode(SECRET, StandardCharsets.UTF_8).substring(0, 13) + "…",
                SECRET)).isEqualTo("rejected: ****…");
        assertThat(redact("rejected: " + TOKEN.substring(0, 20).toUpperCase(Locale.ROOT), TOKEN))
                .isEqualTo("rejected: ****");
    }

    @Test
    void aVendorEchoingTheFirstCharacters() {
        assertThat(redact("key " + TOKEN.substring(0, 8) + "**** is not valid for this app", TOKEN))
                .isEqualTo("key ******** is not valid for this app");
        assertThat(redact("key starting " + TOKEN.substring(0, 10) + " expired", TOKEN))
                .isEqualTo("key starting **** expired");
    }

    @Test
    void shorterStartsAndOtherTextAreKept() {
        // fewer than 8 characters of a secret tell nothing: ordinary words stay
        assertThat(redact("xp-app is down; see https://x.test/a%20b?q=\\u0041 \\/ 100%", TOKEN))
                .isEqualTo("xp-app is down; see https://x.test/a%20b?q=\\u0041 \\/ 100%");
        assertThat(redact("", TOKEN)).isEmpty();
        assertThat(redact("nothing to hide")).isEqualTo("nothing to hide");
    }

    @Test
    void aShortSecretIsRedactedWhole() {
        assertThat(redact("k=abc1 and ABC1", "abc1")).isEqualTo("k=**** and ****");
    }

    @Test
    void aSecretWithAPercentOrABackslashIsFoundAsItIs() {
        String odd = "ab%41cd\\u0041ef";
        assertThat(redact("got " + odd + " back", odd)).isEqualTo("got **** back");
        assertThat(redact("got " + URLEncoder.encode(odd, StandardCharsets.UTF_8) + " back", odd))
                .isEqualTo("got **** back");
    }

    @Test
    void everySecretOfTheCall() {
        assertThat(redact(TOKEN + " / " + SECRET.toUpperCase(Locale.ROOT), TOKEN, SECRET)).isEqualTo("**** / ****");
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000_000})
    @Timeout(5)
    void aLongHostileMessageTakesLinearTime(int length) {
        String secret = "a".repeat(300) + "b";
        String text = "a".repeat(length) + "%61".repeat(length / 3) + "\\u0061".repeat(length / 6);
        String out = redact(text, secret);
        assertThat(out).isEqualTo("****"); // every run of 8+ 'a's is a start of the secret
    }
}
