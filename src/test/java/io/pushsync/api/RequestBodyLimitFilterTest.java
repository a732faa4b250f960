package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.jobs.JobProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import java.util.Map;

class RequestBodyLimitFilterTest {

    private final RequestBodyLimitFilter filter = new RequestBodyLimitFilter(
            bind("pushsync.batch", BatchProperties.class, Map.of("pushsync.batch.max-body-size", "1KB")),
            bind("pushsync.jobs", JobProperties.class, Map.of("pushsync.jobs.max-body-size", "4KB")));

    private static <T> T bind(String prefix, Class<T> type, Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
    }

    @ParameterizedTest(name = "{0} with {1} bytes -> {2}")
    @CsvSource({
            "/v1/destinations/xtremepush/batches, 1025, 413",
            "/v1/destinations/xtremepush/batches, 1024, 200",
            "/v1/destinations/xtremepush/jobs, 1025, 200",
            "/v1/destinations/xtremepush/jobs, 4097, 413",
            "/census/sandbox-xtremepush, 1025, 413",
            "/census/sandbox-xtremepush, 1000, 200",
            "/actuator/health, 99999, 200"})
    void aDeclaredLengthOverTheLimitIs413BeforeAnythingReadsTheBody(String uri, long length, int status)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", uri);
        request.setContent(new byte[(int) length]);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(chain.getRequest() != null).as("the request went on").isEqualTo(status == 200);
        if (status == 413) {
            assertThat(response.getContentAsString()).contains("urn:pushsync:problem:body-too-large")
                    .contains("at most");
        }
    }
}
