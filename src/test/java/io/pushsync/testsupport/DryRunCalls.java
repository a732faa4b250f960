package io.pushsync.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Batches and jobs through the HTTP API for the dry-run tests of every destination. */
public final class DryRunCalls {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DryRunCalls() {
    }

    /** A batch's answer, its raw text and whether it was replayed from the ledger. */
    public record Answer(JsonNode body, String text, boolean replayed) {
    }

    /** The body with {@code "dryRun": true}. */
    public static ObjectNode dry(ObjectNode body) {
        ObjectNode copy = body.deepCopy();
        copy.put("dryRun", true);
        return copy;
    }

    public static Answer batch(MockMvc mvc, String type, ObjectNode body) throws Exception {
        MvcResult r = mvc.perform(post("/v1/destinations/" + type + "/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andReturn();
        String text = r.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(r.getResponse().getStatus()).as(text).isEqualTo(200);
        JsonNode answer = JSON.readTree(text);
        BatchAssertions.assertOneResultPerRowInOrder(body, answer);
        return new Answer(answer, text, "true".equals(r.getResponse().getHeader("Idempotent-Replayed")));
    }

    /** A finished job: its status and all its results (as {@code {"results": [...]}}), and their raw text. */
    public record Job(JsonNode status, JsonNode results, String text) {
    }

    /** Submits a job, waits until it has finished and reads its results. */
    public static Job job(MockMvc mvc, String type, ObjectNode body) throws Exception {
        MvcResult submitted = mvc.perform(post("/v1/destinations/" + type + "/jobs")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andReturn();
        String submittedText = submitted.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(submitted.getResponse().getStatus()).as(submittedText).isEqualTo(202);
        String jobId = JSON.readTree(submittedText).get("jobId").asString();
        long end = System.nanoTime() + 30_000_000_000L;
        JsonNode status;
        String statusText;
        do {
            Thread.sleep(20);
            statusText = read(mvc, "/v1/jobs/" + jobId);
            status = JSON.readTree(statusText);
        } while (!"completed".equals(status.get("state").asString()) && System.nanoTime() < end);
        assertThat(status.get("state").asString()).as(statusText).isEqualTo("completed");
        String resultsText = read(mvc, "/v1/jobs/" + jobId + "/results?offset=0&limit=1000");
        JsonNode page = JSON.readTree(resultsText);
        BatchAssertions.assertOneResultPerRowInOrder(body, ((ObjectNode) page.deepCopy())
                .set("summary", status.get("summary")));
        return new Job(status, page, statusText + resultsText);
    }

    private static String read(MockMvc mvc, String path) throws Exception {
        MvcResult r = mvc.perform(get(path).header(HttpHeaders.AUTHORIZATION, "Bearer test-token")).andReturn();
        String text = r.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(r.getResponse().getStatus()).as(text).isEqualTo(200);
        return text;
    }
}
