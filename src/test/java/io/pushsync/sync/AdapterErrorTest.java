package io.pushsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.pushsync.testsupport.ThingsDestination;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@link Error} thrown inside an adapter (here after it confirmed the first row) leaves no row without an
 * outcome: the batch answers 200, the confirmed row keeps its outcome and the others fail retryable.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestPropertySource(properties = "pushsync.api-tokens=test-token")
class AdapterErrorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Confirms the first row, then throws {@code error}. */
    static ThingsDestination failingWith(String type, Supplier<Error> error) {
        return new ThingsDestination(type) {
            @Override
            public void sync(SyncRequest request, Deadline deadline, RowResults results) {
                results.succeeded(request.rows().get(0).index());
                throw error.get();
            }
        };
    }

    @TestConfiguration
    static class Failing {
        @Bean
        ThingsDestination assertingThings() {
            return failingWith("asserting", () -> new AssertionError("an adapter bug"));
        }

        @Bean
        ThingsDestination overflowingThings() {
            return failingWith("overflowing", StackOverflowError::new);
        }
    }

    @Autowired
    MockMvc mvc;

    @Test
    void anErrorInsideTheAdapterStillAnswersEveryRow() throws Exception {
        for (String type : new String[] {"asserting", "overflowing"}) {
            String raw = mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/" + type + "/batches")
                            .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(JSON.writeValueAsBytes(ThingsDestination.body("s", "b-" + type, 3))))
                    .andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
            JsonNode results = JSON.readTree(raw).get("results");
            assertThat(results).as(type).hasSize(3);
            assertThat(results.get(0).get("status").asString()).isEqualTo("succeeded");
            for (int i = 1; i < 3; i++) {
                assertThat(results.get(i).get("status").asString()).isEqualTo("failed");
                assertThat(results.get(i).at("/error/code").asString()).isEqualTo("destination_unavailable");
                assertThat(results.get(i).at("/error/retryable").booleanValue()).isTrue();
            }
        }
    }
}
