package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.testsupport.ThingsDestination;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies must be UTF-8 (RFC 8259 section 8.1): the payload digest that tells a replay from a different
 * payload is taken over the body's bytes read as UTF-8, so a UTF-16 or UTF-32 body (found by its BOM or by a 0x00
 * byte among its first four bytes) or a {@code Content-Type} naming another charset is refused before anything is
 * parsed, stored or sent: 415 Problem Details on {@code /v1}, a JSON-RPC parse error on {@code /census} (as any
 * body it cannot parse). A UTF-8 body, also with a UTF-8 BOM, is accepted.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestPropertySource(properties = {
        "pushsync.api-tokens=test-token",
        "pushsync.jobs.spool-dir=${java.io.tmpdir}/pushsync-non-utf8-${random.uuid}",
        "pushsync.connections.things-census.type=things",
        "pushsync.connections.things-census.key=census-key",
})
class NonUtf8BodiesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BATCHES = "/v1/destinations/things/batches";
    private static final String JOBS = "/v1/destinations/things/jobs";
    private static final String CHECKS = "/v1/destinations/things/connection-checks";
    private static final String CENSUS = "/census/things-census?census_authentication=test-token";
    private static final Charset UTF_32 = Charset.forName("UTF-32");

    /** The names of the rows the destination was asked to sync. */
    static final List<String> SYNCED = new CopyOnWriteArrayList<>();

    @TestConfiguration
    static class Things {
        @Bean
        ThingsDestination thingsDestination() {
            return new ThingsDestination("things") {
                @Override
                public void sync(SyncRequest request, Deadline deadline, RowResults results) {
                    for (SyncRow row : request.rows()) {
                        SYNCED.add(row.fields().get("name").asString());
                        results.succeeded(row.index());
                    }
                }
            };
        }
    }

    @Autowired
    MockMvc mvc;

    /**
     * One row named {@code name}. "\u2220\u2020" and "\u2220\u0920" are two different names whose UTF-16 bytes
     * ({@code 22 20 20 20} and {@code 22 20 09 20}) read as UTF-8 are a quote and JSON whitespace: the same digest.
     */
    private static String batch(String batchId, String name) {
        return "{\"syncId\":\"non-utf8\",\"batchId\":\"" + batchId + "\",\"connection\":{\"key\":\"k\"},"
                + "\"objectType\":\"things\",\"mode\":\"upsert\",\"rows\":[{\"id\":\"r1\",\"fields\":{\"name\":\""
                + name + "\"}}]}";
    }

    private MockHttpServletResponse post(String path, String contentType, byte[] body) throws Exception {
        return mvc.perform(MockMvcRequestBuilders.post(path).contentType(contentType)
                .header(HttpHeaders.AUTHORIZATION, "Bearer test-token").content(body)).andReturn().getResponse();
    }

    private static JsonNode json(MockHttpServletResponse response) throws Exception {
        return JSON.readTree(response.getContentAsString(StandardCharsets.UTF_8));
    }

    private static void assertRefusedAsNotUtf8(MockHttpServletResponse r) throws Exception {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(415);
        assertThat(r.getContentType()).startsWith("application/problem+json");
        assertThat(r.getHeader("Idempotent-Replayed")).isNull();
        JsonNode p = json(r);
        assertThat(p.path("type").asString()).isEqualTo("urn:pushsync:problem:unsupported-media-type");
        assertThat(p.path("status").asInt()).isEqualTo(415);
        assertThat(p.path("detail").asString()).contains("UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {BATCHES, JOBS})
    void twoDifferentUtf16BodiesUnderTheSameIdsAreBothRefusedNeverReplayed(String path) throws Exception {
        String batchId = "utf16-" + path.hashCode();
        byte[] first = batch(batchId, "\u2220\u2020").getBytes(StandardCharsets.UTF_16); // BOM FE FF
        byte[] second = batch(batchId, "\u2220\u0920").getBytes(StandardCharsets.UTF_16);

        assertRefusedAsNotUtf8(post(path, "application/json", first));
        assertRefusedAsNotUtf8(post(path, "application/json", second));

        // nothing was stored under the ids: the UTF-8 body is a new batch, not a replay
        MockHttpServletResponse utf8 = post(path, "application/json",
                batch(batchId, "\u2220\u0920").getBytes(StandardCharsets.UTF_8));
        assertThat(utf8.getStatus()).as(utf8.getContentAsString()).isIn(200, 202);
        assertThat(utf8.getHeader("Idempotent-Replayed")).isNull();
    }

    @Test
    void utf16WithoutBomAndUtf32AreRefused() throws Exception {
        assertRefusedAsNotUtf8(post(BATCHES, "application/json",
                batch("utf16le", "a").getBytes(StandardCharsets.UTF_16LE)));
        assertRefusedAsNotUtf8(post(BATCHES, "application/json",
                batch("utf16be", "a").getBytes(StandardCharsets.UTF_16BE)));
        assertRefusedAsNotUtf8(post(BATCHES, "application/json", batch("utf32", "a").getBytes(UTF_32)));
        assertRefusedAsNotUtf8(post(JOBS, "application/json", batch("utf32", "a").getBytes(UTF_32)));
        assertRefusedAsNotUtf8(post(CHECKS, "application/json",
                "{\"connection\":{\"key\":\"k\"}}".getBytes(StandardCharsets.UTF_16LE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {BATCHES, JOBS, CHECKS})
    void aCharsetOtherThanUtf8Is415NamingIt(String path) throws Exception {
        byte[] body = (path.equals(CHECKS) ? "{\"connection\":{\"key\":\"k\"}}" : batch("charset-utf16", "plain"))
                .getBytes(StandardCharsets.UTF_16);
        MockHttpServletResponse r = post(path, "application/json; charset=UTF-16", body);
        assertRefusedAsNotUtf8(r);
        assertThat(json(r).path("detail").asString()).contains("UTF-16");

        MockHttpServletResponse latin1 = post(path, "application/json;charset=ISO-8859-1",
                batch("latin1", "plain").getBytes(StandardCharsets.ISO_8859_1));
        assertRefusedAsNotUtf8(latin1);
        assertThat(json(latin1).path("detail").asString()).contains("ISO-8859-1");
    }

    @Test
    void utf8BodiesStillWorkWithOrWithoutCharsetOrBom() throws Exception {
        MockHttpServletResponse plain = post(BATCHES, "application/json",
                batch("utf8-plain", "caf\u00e9 \u2220\u2020").getBytes(StandardCharsets.UTF_8));
        assertThat(plain.getStatus()).as(plain.getContentAsString()).isEqualTo(200);
        assertThat(json(plain).path("summary").path("received").asInt()).isEqualTo(1);
        assertThat(SYNCED).contains("caf\u00e9 \u2220\u2020");

        MockHttpServletResponse charset = post(BATCHES, "application/json; charset=utf-8",
                batch("utf8-charset", "x").getBytes(StandardCharsets.UTF_8));
        assertThat(charset.getStatus()).as(charset.getContentAsString()).isEqualTo(200);

        byte[] json = batch("utf8-bom", "y").getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[json.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, bom, 3, json.length);
        MockHttpServletResponse withBom = post(BATCHES, "application/json", bom);
        assertThat(withBom.getStatus()).as(withBom.getContentAsString()).isEqualTo(200);

        MockHttpServletResponse job = post(JOBS, "application/json",
                batch("utf8-job", "z").getBytes(StandardCharsets.UTF_8));
        assertThat(job.getStatus()).as(job.getContentAsString()).isEqualTo(202);

        MockHttpServletResponse check = post(CHECKS, "application/json;charset=UTF-8",
                "{\"connection\":{\"key\":\"k\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(check.getStatus()).as(check.getContentAsString()).isEqualTo(200);
        assertThat(json(check).path("ok").asBoolean()).isTrue();
    }

    private static String censusCall() {
        return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"test_connection\",\"params\":{}}";
    }

    @Test
    void censusAnswersANonUtf8BodyWithAJsonRpcParseErrorAsForAnyBodyItCannotParse() throws Exception {
        MockHttpServletResponse ok = post(CENSUS, "application/json",
                censusCall().getBytes(StandardCharsets.UTF_8));
        assertThat(ok.getStatus()).isEqualTo(200);
        assertThat(json(ok).path("result").path("success").asBoolean()).as(ok.getContentAsString()).isTrue();

        for (MockHttpServletResponse r : List.of(
                post(CENSUS, "application/json", censusCall().getBytes(StandardCharsets.UTF_16)),
                post(CENSUS, "application/json", censusCall().getBytes(StandardCharsets.UTF_16LE)),
                post(CENSUS, "application/json", censusCall().getBytes(UTF_32)),
                post(CENSUS, "application/json; charset=UTF-16", censusCall().getBytes(StandardCharsets.UTF_16)))) {
            assertThat(r.getStatus()).isEqualTo(200);
            JsonNode answer = json(r);
            assertThat(answer.path("jsonrpc").asString()).isEqualTo("2.0");
            assertThat(answer.path("id").isNull()).as(r.getContentAsString()).isTrue();
            assertThat(answer.path("error").path("code").asInt()).isEqualTo(-32700); // JSON-RPC parse error
            assertThat(answer.path("error").path("message").asString()).startsWith("Parse error").contains("UTF-8");
            assertThat(answer.has("result")).isFalse();
        }
    }
}
