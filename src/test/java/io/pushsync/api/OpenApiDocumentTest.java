package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
                "/v1/destinations/{type}/jobs", "/v1/jobs/{jobId}", "/v1/jobs/{jobId}/results", "/v1/connections",
                "/v1/runs", "/v1/runs/batch/failures", "/v1/runs/batch/failures.csv", "/v1/accounts");
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
                .contains("syncId", "batchId", "connection", "connectionRef", "objectType", "mode", "options", "rows",
                        "dryRun");
        assertThat(schemas.get("BatchRequest").at("/properties/dryRun/type").asString()).isEqualTo("boolean");
        assertThat(schemas.get("BatchResponse").get("properties").propertyNames())
                .contains("summary", "plan", "snapshot", "results", "removed", "durationMs");
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

    static final String UNAUTHORIZED = "caller token missing or wrong";
    static final String UNKNOWN_TYPE = "unknown destination type";

    /** Operation ("METHOD path") -> its Problem Details answers: status code -> description. */
    static final Map<String, Map<String, String>> PROBLEMS = Map.ofEntries(
            Map.entry("GET /v1/destinations", Map.of("401", UNAUTHORIZED)),
            Map.entry("GET /v1/destinations/{type}", Map.of("401", UNAUTHORIZED, "404", UNKNOWN_TYPE)),
            Map.entry("POST /v1/destinations/{type}/connection-checks", Map.of("401", UNAUTHORIZED,
                    "400", "malformed JSON, invalid connection fields, or connectionRef unknown, of another type, or "
                            + "given with connection",
                    "404", UNKNOWN_TYPE, "415", "the body is not JSON")),
            Map.entry("POST /v1/destinations/{type}/batches", Map.of("401", UNAUTHORIZED,
                    "400", "malformed JSON; invalid syncId, batchId, connection, connectionRef (unknown, of another "
                            + "type, or given with connection), objectType, mode, options; duplicate row ids; change "
                            + "missing in mirror mode or present outside it (errors[] with JSON Pointers)",
                    "404", UNKNOWN_TYPE,
                    "409", "same syncId+batchId with a different payload, or still in progress; or (mode "
                            + "replace) a replace for the same target is running (snapshot-busy)",
                    "413", "more rows than pushsync.batch.max-rows, or a body larger than "
                            + "pushsync.batch.max-body-size",
                    "415", "the body is not JSON",
                    "408", "the body did not arrive within pushsync.batch.body-read-timeout (body-read-timeout): "
                            + "stopped while it was read, nothing sent",
                    "503", "no room in memory for the body within pushsync.batch.memory-wait (batch-memory-full, "
                            + "Retry-After): nothing was read or sent")),
            Map.entry("POST /v1/destinations/{type}/jobs", Map.of("401", UNAUTHORIZED,
                    "400", "invalid request, as for a batch",
                    "404", UNKNOWN_TYPE,
                    "409", "same syncId+batchId with a different payload",
                    "413", "more rows than pushsync.jobs.max-rows or a larger body than pushsync.jobs.max-body-size",
                    "429", "the queue is full; Retry-After says when to try again",
                    "503", "this replica is shutting down, or cannot write the body to its spool directory "
                            + "(pushsync.jobs.spool-dir, e.g. a full disk); Retry-After")),
            Map.entry("GET /v1/jobs/{jobId}", Map.of("401", UNAUTHORIZED,
                    "404", "no such job, or finished longer ago than pushsync.jobs.retention")),
            Map.entry("GET /v1/jobs/{jobId}/results", Map.of("401", UNAUTHORIZED,
                    "400", "offset below 0, or limit outside 1..pushsync.jobs.max-page-size",
                    "404", "no such job", "409", "the job has not finished yet")),
            Map.entry("DELETE /v1/jobs/{jobId}", Map.of("401", UNAUTHORIZED, "404", "no such job")),
            Map.entry("GET /v1/connections", Map.of("401", UNAUTHORIZED)),
            Map.entry("DELETE /v1/destinations/{type}/snapshots", Map.of("401", UNAUTHORIZED,
                    "400", "malformed JSON; invalid connection, connectionRef, objectType (it must have a replace "
                            + "mode) or options (the target option is required)",
                    "404", UNKNOWN_TYPE, "409", "a replace for the target is running (snapshot-busy)",
                    "415", "the body is not JSON")),
            Map.entry("GET /v1/jobs/{jobId}/removed", Map.of("401", UNAUTHORIZED,
                    "400", "offset below 0, or limit outside 1..pushsync.jobs.max-page-size; or the job is not a "
                            + "replace job",
                    "404", "no such job", "409", "the job has not finished yet")),
            Map.entry("GET /v1/runs", Map.of("401", UNAUTHORIZED,
                    "400", "unknown outcome, or limit outside 1..pushsync.history.max-runs")),
            Map.entry("GET /v1/runs/batch", Map.of("401", UNAUTHORIZED,
                    "404", "no such batch among the recent runs")),
            Map.entry("GET /v1/runs/batch/failures", Map.of("401", UNAUTHORIZED,
                    "400", "offset below 0, or limit outside 1..1000",
                    "404", "no such batch among the recent runs")),
            Map.entry("GET /v1/runs/batch/failures.csv", Map.of("401", UNAUTHORIZED,
                    "404", "no such batch among the recent runs",
                    "409", "the batch's rows are no longer in the idempotency ledger")),
            Map.entry("GET /v1/jobs/{jobId}/failures", Map.of("401", UNAUTHORIZED,
                    "400", "offset below 0, or limit outside 1..1000", "404", "no such job")),
            Map.entry("GET /v1/jobs/{jobId}/failures.csv", Map.of("401", UNAUTHORIZED,
                    "404", "no such job", "409", "the job has not finished yet")),
            Map.entry("GET /v1/jobs/{jobId}/pace", Map.of("401", UNAUTHORIZED, "404", "no such job")),
            Map.entry("GET /v1/accounts", Map.of("401", UNAUTHORIZED)));

    /** Operation -> its other answers: status code -> the media types of its body. */
    static final Map<String, Map<String, List<String>>> SUCCESSES = Map.ofEntries(
            Map.entry("GET /v1/destinations", Map.of("200", List.of("application/json"))),
            Map.entry("GET /v1/destinations/{type}", Map.of("200", List.of("application/json"))),
            Map.entry("POST /v1/destinations/{type}/connection-checks", Map.of("200", List.of("application/json"))),
            Map.entry("POST /v1/destinations/{type}/batches", Map.of("200", List.of("application/json"))),
            Map.entry("POST /v1/destinations/{type}/jobs", Map.of("202", List.of("application/json"))),
            Map.entry("GET /v1/jobs/{jobId}", Map.of("200", List.of("application/json"))),
            Map.entry("GET /v1/jobs/{jobId}/results", Map.of("200", List.of("application/json"))),
            Map.entry("DELETE /v1/jobs/{jobId}", Map.of("200", List.of("application/json"), "202", List.of("application/json"))),
            Map.entry("GET /v1/connections", Map.of("200", List.of("application/json"))),
            Map.entry("DELETE /v1/destinations/{type}/snapshots", Map.of("200", List.of("application/json"))),
            Map.entry("GET /v1/jobs/{jobId}/removed", Map.of("200", List.of("application/json"))),
            Map.entry("GET /v1/runs", Map.of("200", List.of("application/json"))),
            Map.entry("GET /v1/runs/batch", Map.of("200", List.of("application/json"))),
            Map.entry("GET /v1/runs/batch/failures", Map.of("200", List.of("application/json"))),
            Map.entry("GET /v1/runs/batch/failures.csv", Map.of("200", List.of("text/csv"))),
            Map.entry("GET /v1/jobs/{jobId}/failures", Map.of("200", List.of("application/json"))),
            Map.entry("GET /v1/jobs/{jobId}/failures.csv", Map.of("200", List.of("text/csv"))),
            Map.entry("GET /v1/jobs/{jobId}/pace", Map.of("200", List.of("application/json"))),
            Map.entry("GET /v1/accounts", Map.of("200", List.of("application/json"))));

    @Test
    void everyOperationDocumentsItsProblemResponsesAsProblemDetails() throws Exception {
        Map<String, Map<String, String>> problems = new TreeMap<>();
        Map<String, Map<String, List<String>>> others = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : document().get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                String name = operation.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
                Map<String, String> problemsOf = new LinkedHashMap<>();
                Map<String, List<String>> othersOf = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> response : operation.getValue().get("responses").properties()) {
                    JsonNode content = response.getValue().path("content");
                    List<String> mediaTypes = new ArrayList<>(content.propertyNames());
                    if (mediaTypes.contains("application/problem+json")) {
                        assertThat(mediaTypes).as("%s %s", name, response.getKey())
                                .containsExactly("application/problem+json");
                        assertThat(content.at("/application~1problem+json/schema/$ref").asString())
                                .as("%s %s", name, response.getKey()).isEqualTo("#/components/schemas/ProblemDetail");
                        problemsOf.put(response.getKey(), response.getValue().get("description").asString());
                    } else {
                        othersOf.put(response.getKey(), mediaTypes);
                    }
                }
                problems.put(name, problemsOf);
                others.put(name, othersOf);
            }
        }
        assertThat(problems).isEqualTo(new TreeMap<>(PROBLEMS));
        assertThat(others).isEqualTo(new TreeMap<>(SUCCESSES));
        assertThat(document().at("/components/schemas/ProblemDetail/properties").propertyNames())
                .contains("type", "title", "status", "detail", "instance");
    }

    @Test
    void theUiIsServedWithoutAToken() throws Exception {
        int status = mvc.perform(get("/swagger-ui/index.html")).andReturn().getResponse().getStatus();
        assertThat(status).isEqualTo(200);
        int redirect = mvc.perform(get("/swagger-ui.html")).andReturn().getResponse().getStatus();
        assertThat(redirect).isBetween(200, 399);
    }
}
