package io.pushsync.sync.runs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A CSV field of the failed rows' download: RFC 4180 quoting, and no formula a spreadsheet would run. */
class RunsCsvTest {

    @Test
    void fieldsAreQuotedWhenNeededAndFormulasDefused() {
        assertThat(Runs.csv(null)).isEmpty();
        assertThat(Runs.csv("plain")).isEqualTo("plain");
        assertThat(Runs.csv("a,b")).isEqualTo("\"a,b\"");
        assertThat(Runs.csv("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Runs.csv("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Runs.csv("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(Runs.csv("+1")).isEqualTo("'+1");
        assertThat(Runs.csv("-1")).isEqualTo("'-1");
        assertThat(Runs.csv("@a")).isEqualTo("'@a");
    }
}
