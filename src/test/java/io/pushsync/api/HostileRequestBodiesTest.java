package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.testsupport.ThingsDestination;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile bodies against the full app (issue: hostile input), on a destination that accepts every row:
 * <ul>
 *   <li>rows with very many distinct field names (a 29 KB row of 3,000 names; 1 MB of 400 rows x 199 names) are
 *       answered 200 row by row (the row over {@code pushsync.batch.max-fields-per-row} fails {@code invalid_field}
 *       alone), as a batch, as a job and through Census, and the request thread allocates a bounded amount for them
 *       (never a 500, never the heap);</li>
 *   <li>a key given twice anywhere in a batch or job body is a 400 Problem Details naming it with a pointer to it;
 *       through Census a JSON-RPC Invalid Request naming it.</li>
 * </ul>
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestPropertySource(properties = {
        "pushsync.api-tokens=test-token",
        "pushsync.jobs.spool-dir=${java.io.tmpdir}/pushsync-hostile-bodies-${random.uuid}",
        "pushsync.connections.things-census.type=things",
        "pushsync.connections.things-census.key=census-key",
        "pushsync.connections.xp.type=xtremepush",
        "pushsync.connections.xp.region=eu",
        "pushsync.connections.xp.app-token=xp-hostile-app-token",
})
class HostileRequestBodiesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BATCHES = "/v1/destinations/things/batches";
    private static final String JOBS = "/v1/destinations/things/jobs";

    @TestConfiguration
    static class Things {
        @Bean
        ThingsDestination thingsDestination() {
            return new ThingsDestination("things") {
                @Override
                public void sync(SyncRequest request, Deadline deadline, RowResults results) {
                    for (SyncRow row : request.rows()) {
                        results.succeeded(row.index());
                    }
                }
            };
        }
    }

    @Autowired
    MockMvc mvc;

    /** A batch of {@code rows} rows, row {@code r} with a name and {@code names - 1} more names of its own. */
    static String distinctNames(String batchId, int rows, int names) {
        return ThingsDestination.distinctNamesBody("hostile", batchId, rows, names);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    private MockHttpServletResponse post(String path, String body) throws Exception {
        MockHttpServletRequestBuilder r = MockMvcRequestBuilders.post(path).contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer test-token").content(body.getBytes(StandardCharsets.UTF_8));
        return mvc.perform(r).andReturn().getResponse();
    }

    private static JsonNode json(MockHttpServletResponse response) throws Exception {
        return JSON.readTree(response.getContentAsString(StandardCharsets.UTF_8));
    }

    // ---- many distinct names ----

    @Test
    void fourHundredRowsOf199DistinctNamesAreAnswered200InBoundedMemory() throws Exception {
        String body = distinctNames("wide-400", 400, 199);
        assertThat(body.length()).isBetween(900_000, 1_300_000);

        long before = allocated();
        MockHttpServletResponse response = post(BATCHES, body);
        long bytes = allocated() - before;

        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.at("/summary/succeeded").asInt()).isEqualTo(400);
        assertThat(bytes).as("bytes the request thread allocated for a 1 MB batch").isLessThan(160L << 20);
    }

    @Test
    void aRowOf3000DistinctNamesFailsAloneInvalidFieldInBoundedMemory() throws Exception {
        String body = distinctNames("wide-3000", 1, 3000)
                .replace("]}", ",{\"id\":\"ok\",\"fields\":{\"name\":\"fine\"}}]}");
        assertThat(body.length()).isBetween(20_000, 60_000);

        long before = allocated();
        MockHttpServletResponse response = post(BATCHES, body);
        long bytes = allocated() - before;

        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.at("/results/0/status").asString()).isEqualTo("failed");
        assertThat(answer.at("/results/0/error/code").asString()).isEqualTo("invalid_field");
        assertThat(answer.at("/results/0/error/message").asString())
                .isEqualTo("the row has 3000 fields; at most 200 are accepted");
        assertThat(answer.at("/results/1/status").asString()).isEqualTo("succeeded");
        assertThat(bytes).as("bytes the request thread allocated for a 29 KB batch").isLessThan(48L << 20);
    }

    @Test
    void asAJobTheWideRowsAreAcceptedAndAnsweredRowByRow() throws Exception {
        String body = distinctNames("wide-job", 400, 199)
                .replace("]}", ",{\"id\":\"wide\",\"fields\":{" + String.join(",", IntStream.range(0, 3000)
                        .mapToObj(i -> "\"w" + i + "\":" + i).toList()) + "}}]}");

        long before = allocated();
        MockHttpServletResponse submitted = post(JOBS, body);
        long bytes = allocated() - before;

        assertThat(submitted.getStatus()).as(submitted.getContentAsString()).isEqualTo(202);
        assertThat(bytes).as("bytes the request thread allocated to check a 1 MB job").isLessThan(160L << 20);
        String jobId = json(submitted).get("jobId").asString();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> "completed".equals(
                json(mvc.perform(MockMvcRequestBuilders.get("/v1/jobs/" + jobId)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")).andReturn().getResponse())
                        .get("state").asString()));
        JsonNode page = json(mvc.perform(MockMvcRequestBuilders.get("/v1/jobs/" + jobId + "/results?offset=399&limit=2")
                .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")).andReturn().getResponse());
        assertThat(page.at("/results/0/status").asString()).isEqualTo("succeeded");
        assertThat(page.at("/results/1/id").asString()).isEqualTo("wide");
        assertThat(page.at("/results/1/error/message").asString())
                .isEqualTo("the row has 3000 fields; at most 200 are accepted");
    }

    @Test
    void throughCensusARecordOf3000NamesFailsAlone() throws Exception {
        StringBuilder wide = new StringBuilder("{\"name\": \"wide\"");
        for (int i = 0; i < 3000; i++) {
            wide.append(", \"w").append(i).append("\": ").append(i);
        }
        String records = "[" + wide + "}, {\"name\": \"fine\"}]";
        JsonNode answer = json(post("/census/things-census?census_authentication=test-token",
                census("sync_batch", "{\"sync_plan\": {\"object\": {\"object_api_name\": \"things\"}, "
                        + "\"operation\": \"upsert\", \"schema\": {\"name\": {\"active_identifier\": true, "
                        + "\"field\": {\"field_api_name\": \"name\"}}}}, \"records\": " + records + "}")));
        assertThat(answer.toString()).doesNotContain("Internal error");
        assertThat(answer.at("/result/record_results/0/success").asBoolean()).as(answer.toString()).isFalse();
        assertThat(answer.at("/result/record_results/0/error_message").asString())
                .contains("the row has 3001 fields; at most 200 are accepted");
        assertThat(answer.at("/result/record_results/1/success").asBoolean()).isTrue();
    }

    // ---- keys given twice ----

    private static String batch(String rows) {
        return "{\"syncId\":\"dup\",\"batchId\":\"dup-1\",\"connection\":{\"key\":\"k\"},\"objectType\":\"things\","
                + "\"mode\":\"upsert\",\"rows\":" + rows + "}";
    }

    private void assertDuplicate400(String path, String body, String key, String pointer) throws Exception {
        MockHttpServletResponse response = post(path, body);
        assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(400);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo(ProblemTypes.INVALID_REQUEST);
        assertThat(problem.get("detail").asString()).contains("duplicate key '" + key + "'");
        assertThat(problem.at("/errors/0/pointer").asString()).isEqualTo(pointer);
        assertThat(problem.at("/errors/0/message").asString()).contains("duplicate key '" + key + "'");
    }

    @Test
    void aKeyTwiceInABatchIsA400NamingIt() throws Exception {
        String rows = "[{\"id\":\"a\",\"fields\":{\"name\":\"x\"}}]";
        assertDuplicate400(BATCHES, batch(rows).replace("{\"syncId\":\"dup\",",
                "{\"syncId\":\"dup\",\"syncId\":\"other\","), "syncId", "/syncId");
        assertDuplicate400(BATCHES, batch("[{\"id\":\"a\",\"fields\":{\"name\":\"x\"}},"
                + "{\"id\":\"b\",\"fields\":{\"name\":\"y\",\"email\":1,\"name\":\"z\"}}]"), "name", "/rows/1/fields/name");
        assertDuplicate400(BATCHES, batch("[{\"id\":\"a\",\"fields\":{\"name\":\"x\"},\"fields\":{\"name\":\"y\"}}]"),
                "fields", "/rows/0/fields");
        assertDuplicate400(BATCHES, batch(rows).replace("{\"key\":\"k\"}", "{\"key\":\"k\",\"key\":\"j\"}"),
                "key", "/connection/key");
        assertDuplicate400(BATCHES, batch("[{\"id\":\"a\",\"fields\":{\"name\":\"x\",\"o\":{\"p\":1,\"p\":2}}}]"),
                "p", "/rows/0/fields/o/p");
    }

    @Test
    void aKeyTwiceInAJobIsA400NamingItEvenFarIntoTheRows() throws Exception {
        StringBuilder rows = new StringBuilder("[");
        for (int i = 0; i < 3000; i++) {
            rows.append("{\"id\":\"r").append(i).append("\",\"fields\":{\"name\":\"n").append(i).append("\"}},");
        }
        rows.append("{\"id\":\"last\",\"fields\":{\"name\":\"x\",\"name\":\"y\"}}]");
        assertDuplicate400(JOBS, batch(rows.toString()), "name", "/rows/3000/fields/name");
        assertDuplicate400(JOBS, batch("[]").replace("\"mode\":\"upsert\",", "\"mode\":\"upsert\",\"mode\":\"upsert\","),
                "mode", "/mode");
    }

    private static String census(String method, String params) {
        return "{\"jsonrpc\": \"2.0\", \"method\": \"" + method + "\", \"id\": \"c1\", \"params\": " + params + "}";
    }

    @Test
    void aKeyTwiceInACensusCallIsAnInvalidRequestNamingIt() throws Exception {
        String path = "/census/xp?census_authentication=test-token";
        JsonNode twiceMethod = json(post(path, "{\"jsonrpc\": \"2.0\", \"method\": \"list_objects\", "
                + "\"method\": \"test_connection\", \"id\": \"c1\", \"params\": {}}"));
        assertThat(twiceMethod.at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(twiceMethod.at("/error/message").asString()).contains("duplicate key 'method'");

        JsonNode twiceInARecord = json(post(path, census("sync_batch", "{\"sync_plan\": {\"object\": "
                + "{\"object_api_name\": \"user_profiles\"}, \"operation\": \"upsert\", \"schema\": {}}, \"records\": "
                + "[{\"user_id\": \"u1\"}, {\"user_id\": \"u2\", \"email\": \"a@example.com\", \"user_id\": \"u3\"}]}")));
        assertThat(twiceInARecord.at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(twiceInARecord.at("/error/message").asString())
                .contains("duplicate key 'user_id'").contains("/params/records/1/user_id");
    }
}
