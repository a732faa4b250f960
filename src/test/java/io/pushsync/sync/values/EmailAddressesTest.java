package io.pushsync.sync.values;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one-scan shape check says what the regular expression it stands for says. */
class EmailAddressesTest {

    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    @ParameterizedTest
    @ValueSource(strings = {"a@b.c", "ann@example.com", "a.b@c.d.e", "x@y..z", "x@.y.z", "x@y.z.", "\u00e9@\u00e9.\u00e9",
            "a\u00a0b@c.d", "\ud83d\ude00@b.c"})
    void addressesOfTheShapePass(String address) {
        assertThat(EmailAddresses.isValid(address)).isTrue();
        assertThat(SHAPE.matcher(address).matches()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "@", "a@", "@b.c", "a@b", "a@.c", "a@b.", "a@@b.c", "a@b@c.d", "a b@c.d", "a@b.c ",
            "a@b.c\n", "a\t@b.c", "a@b\u000b.c", "a@b.c\f", "a@b\r.c", "abc.def", "a@bc"})
    void othersFail(String address) {
        assertThat(EmailAddresses.isValid(address)).isFalse();
        assertThat(SHAPE.matcher(address).matches()).isFalse();
    }

    @Provide
    Arbitrary<String> addressLike() {
        return Arbitraries.strings().withChars("ab.@ \t\n\u000b\f\r\u00a0\u2028\u00e9").ofMaxLength(12);
    }

    @Property(tries = 3000)
    void theScanAgreesWithTheRegularExpression(@ForAll("addressLike") String s) {
        assertThat(EmailAddresses.isValid(s)).as("'%s'", s).isEqualTo(SHAPE.matcher(s).matches());
    }
}
