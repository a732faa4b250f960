package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /v3/api-docs} documents every v1 endpoint of the contract, its bodies and its Problem Details. */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("sandbox")
class OpenApiDocumentTest {

    @Autowired
    MockMvc mvc;

    private JsonNode document() throws Exception {
        String raw = mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        return JsonMapper.builder().build().readTree(raw);
    }

    @Test
    void everyV1EndpointIsDocumentedAndNothingElse() throws Exception {
        JsonNode paths = document().get("paths");
        List<String> names = new ArrayList<>(paths.propertyNames());
        assertThat(names).contains("/v1/destinations", "/v1/destinations/{type}",
                "/v1/destinations/{type}/connection-checks", "/v1/destinations/{type}/batches",
                "/v1/destinations/{type}/jobs", "/v1/jobs/{jobId}", "/v1/jobs/{jobId}/results", "/v1/connections");
        assertThat(paths.at("/~1v1~1connections/get/responses/200/content/application~1json/schema/items/$ref")
                .asString()).endsWith("/ConnectionSummary");
        assertThat(paths.get("/v1/jobs/{jobId}").has("delete")).isTrue();
        assertThat(paths.get("/v1/destinations/{type}/jobs").get("post").get("responses").propertyNames())
                .contains("202", "409", "429", "503");
        assertThat(names).allMatch(p -> p.startsWith("/v1/"));
    }

    @Test
    void theBatchOperationHasItsBodyItsAnswersAndItsProblems() throws Exception {
        JsonNode doc = document();
        JsonNode batch = doc.get("paths").get("/v1/destinations/{type}/batches").get("post");
        assertThat(batch.at("/requestBody/content/application~1json/schema/$ref").asString())
                .endsWith("/BatchRequest");
        assertThat(batch.at("/requestBody/content/application~1json/examples").isMissingNode()
                && batch.at("/requestBody/content/application~1json/example").isMissingNode()).isFalse();
        assertThat(batch.get("responses").propertyNames())
                .contains("200", "400", "401", "404", "409", "413", "415");
        assertThat(batch.at("/responses/400/content/application~1problem+json/schema/$ref").asString())
                .endsWith("/ProblemDetail");
        assertThat(batch.at("/responses/200/content/application~1json/schema/$ref").asString())
                .endsWith("/BatchResponse");
        JsonNode schemas = doc.at("/components/schemas");
        assertThat(schemas.get("BatchRequest").get("properties").propertyNames())
                .contains("syncId", "batchId", "connection", "connectionRef", "objectType", "mode", "options", "rows");
        assertThat(schemas.get("BatchResponse").get("properties").propertyNames())
                .contains("summary", "results", "durationMs");
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
    }

    @Test
    void theConnectionCheckIsDocumentedWithItsBody() throws Exception {
        JsonNode check = document().get("paths").get("/v1/destinations/{type}/connection-checks").get("post");
        assertThat(check.at("/requestBody/content/application~1json/schema/$ref").asString())
                .endsWith("/ConnectionCheckRequest");
        assertThat(check.at("/responses/200/content/application~1json/schema/$ref").asString())
                .endsWith("/ConnectionCheckResult");
    }

    @Test
    void theUiIsServedWithoutAToken() throws Exception {
        int status = mvc.perform(get("/swagger-ui/index.html")).andReturn().getResponse().getStatus();
        assertThat(status).isEqualTo(200);
        int redirect = mvc.perform(get("/swagger-ui.html")).andReturn().getResponse().getStatus();
        assertThat(redirect).isBetween(200, 399);
    }
}
