package io.pushsync.console;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushsync.testsupport.ConfigurationRecords;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/** Without {@code pushsync.console.enabled=true} there is no console: {@code /console/**} is a 404. */
@SpringBootTest
@AutoConfigureMockMvc
class ConsoleOffByDefaultTest {

    @Autowired
    MockMvc mvc;

    @Test
    void theConsoleIsNotServed() throws Exception {
        for (String url : new String[] {"/console", "/console/login", "/console/accounts",
                "/console/assets/console.css"}) {
            mvc.perform(get(url)).andExpect(status().isNotFound());
        }
    }

    @Test
    void enabledWithoutAPasswordItRefusesToStart() {
        assertThatThrownBy(() -> ConfigurationRecords.bind(ConsoleProperties.class,
                Map.of("pushsync.console.enabled", "true")))
                .rootCause().hasMessageContaining("pushsync.console.password is not set");
    }

    @Test
    void itsPasswordIsNeverPrinted() {
        org.assertj.core.api.Assertions.assertThat(new ConsoleProperties(true, "ops", "s3cret").toString())
                .doesNotContain("s3cret");
    }
}
