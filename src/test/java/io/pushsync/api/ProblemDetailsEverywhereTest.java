package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error pushsync answers is an {@code application/problem+json} body with a {@code urn:pushsync:problem:} type:
 * paging parameters, the firewall, 404/405/406 (also on {@code /census}) and {@code /error} itself. Over a real port,
 * because MockMvc skips the container's error page dispatch; 404/405/406 also through MockMvc.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "pushsync.api-tokens=problem-token")
@AutoConfigureMockMvc
class ProblemDetailsEverywhereTest {

    static final String TOKEN = "problem-token";
    static final String PREFIX = "urn:pushsync:problem:";

    @LocalServerPort
    int port;

    @Autowired
    MockMvc mvc;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final JsonMapper json = JsonMapper.builder().build();

    record Answer(int status, String contentType, JsonNode body, String text) {
    }

    Answer send(String method, String rawPath, boolean authenticated, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + rawPath))
                .timeout(Duration.ofSeconds(10))
                .method(method, method.equals("POST") || method.equals("PUT")
                        ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (method.equals("POST") || method.equals("PUT")) {
            b.header("Content-Type", "application/json");
        }
        if (authenticated) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = json.readTree(r.body());
        } catch (RuntimeException notJson) {
            body = null;
        }
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), body, r.body());
    }

    static void assertProblem(Answer a, int status, String what) {
        assertThat(a.status()).as(what + " status; body: " + a.text()).isEqualTo(status);
        assertThat(a.contentType()).as(what + " Content-Type; body: " + a.text()).startsWith("application/problem+json");
        assertThat(a.body()).as(what + " body: " + a.text()).isNotNull();
        assertThat(a.body().path("type").asString("")).as(what + " type; body: " + a.text()).startsWith(PREFIX);
        assertThat(a.body().path("status").asInt()).as(what + " status member").isEqualTo(status);
        assertThat(a.body().path("title").asString("")).as(what + " title").isNotBlank();
        assertThat(a.text()).as(what + " leaks no stack trace").doesNotContain("\"trace\"").doesNotContain("at io.")
                .doesNotContain("at org.");
    }

    List<String> pointers(JsonNode problem) {
        List<String> out = new ArrayList<>();
        problem.path("errors").forEach(e -> out.add(e.path("pointer").asString()));
        return out;
    }

    // ------------------------------------------------------------------------------------------- (a) paging

    @Test
    void badPagingParametersAreOneProblemNamingEachParameter() throws Exception {
        Answer both = send("GET", "/v1/jobs/some-job/results?offset=-1&limit=abc", true, null);
        assertProblem(both, 400, "offset=-1&limit=abc");
        assertThat(both.body().path("type").asString()).isEqualTo(PREFIX + "invalid-request");
        assertThat(pointers(both.body())).containsExactlyInAnyOrder("/offset", "/limit");
        both.body().path("errors").forEach(e -> {
            assertThat(e.path("parameter").asString()).isIn("offset", "limit");
            assertThat(e.path("message").asString()).isNotBlank();
        });

        Answer notNumbers = send("GET", "/v1/jobs/some-job/results?offset=x&limit=1.5", true, null);
        assertProblem(notNumbers, 400, "offset=x&limit=1.5");
        assertThat(pointers(notNumbers.body())).containsExactlyInAnyOrder("/offset", "/limit");

        Answer tooBig = send("GET", "/v1/jobs/some-job/results?limit=10001", true, null);
        assertProblem(tooBig, 400, "limit=10001");
        assertThat(pointers(tooBig.body())).containsExactly("/limit");
        assertThat(tooBig.body().path("detail").asString()).contains("pushsync.jobs.max-page-size");

        Answer overflow = send("GET", "/v1/jobs/some-job/results?offset=99999999999999999999", true, null);
        assertProblem(overflow, 400, "offset overflow");
        assertThat(pointers(overflow.body())).containsExactly("/offset");

        // good parameters reach the job lookup: an unknown job is a 404 problem
        assertProblem(send("GET", "/v1/jobs/some-job/results?offset=0&limit=10", true, null), 404, "unknown job");
    }

    // ------------------------------------------------------------------------------------------- (b) firewall

    @Test
    void firewallRejectionsAreBadRequestProblems() throws Exception {
        for (String path : List.of("/v1//connections", "/v1/connections;x=1", "/v1/jobs/a%2Fb",
                "/v1/jobs/../connections", "/v1/jobs/%2e%2e/connections", "/census/a%3Bb", "/v1/jobs/a%25%32%46b")) {
            for (boolean authenticated : new boolean[] {true, false}) {
                Answer a = send("GET", path, authenticated, null);
                assertProblem(a, 400, path + (authenticated ? " (token)" : " (no token)"));
            }
        }
    }

    // ------------------------------------------------------------------------------------------- (c) 404/405/406

    @Test
    void noHandlerWrongMethodAndUnacceptableAreProblemsOverHttp() throws Exception {
        assertProblem(send("GET", "/v1/no-such-endpoint", true, null), 404, "404 /v1");
        assertProblem(send("GET", "/census", true, null), 404, "404 /census");
        assertProblem(send("GET", "/census/x/y", true, null), 404, "404 /census/x/y");
        assertProblem(send("GET", "/census/some-connection", true, null), 405, "405 /census");
        assertProblem(send("GET", "/census/some-connection?census_authentication=" + TOKEN, false, null), 405,
                "405 /census (query token)");
        assertProblem(send("PUT", "/v1/jobs/some-job", true, null), 405, "405 /v1/jobs");
        assertProblem(send("POST", "/census/some-connection", true, "text/xml"), 406, "406 /census");
        assertProblem(send("GET", "/v1/connections", true, "text/html"), 406, "406 /v1/connections");
        assertProblem(send("GET", "/v1/no-such-endpoint", true, "text/html"), 404, "404 Accept text/html");
    }

    @Test
    void noHandlerWrongMethodAndUnacceptableAreProblemsThroughMockMvc() throws Exception {
        assertProblem(mock(MockMvcRequestBuilders.get("/v1/no-such-endpoint")), 404, "mock 404");
        assertProblem(mock(MockMvcRequestBuilders.get("/census")), 404, "mock 404 /census");
        assertProblem(mock(MockMvcRequestBuilders.get("/census/some-connection")), 405, "mock 405 /census");
        assertProblem(mock(MockMvcRequestBuilders.post("/census/some-connection").header("Accept", "text/xml")
                .contentType("application/json").content("{}")), 406, "mock 406 /census");
        assertProblem(mock(MockMvcRequestBuilders.get("/v1/connections").header("Accept", "text/html")), 406,
                "mock 406 /v1");
    }

    Answer mock(MockHttpServletRequestBuilder request) throws Exception {
        MvcResult r = mvc.perform(request.header("Authorization", "Bearer " + TOKEN)).andReturn();
        String text = r.getResponse().getContentAsString();
        JsonNode body;
        try {
            body = json.readTree(text);
        } catch (RuntimeException notJson) {
            body = null;
        }
        return new Answer(r.getResponse().getStatus(), r.getResponse().getContentType(), body, text);
    }

    // ------------------------------------------------------------------------------------------- (d) /error

    @Test
    void errorPathItselfIsAProblemNeverBootsDefaultBody() throws Exception {
        for (String method : List.of("GET", "POST", "DELETE")) {
            for (boolean authenticated : new boolean[] {true, false}) {
                for (String accept : new String[] {null, "text/html", "application/json", "text/xml"}) {
                    Answer a = send(method, "/error", authenticated, accept);
                    String what = method + " /error token=" + authenticated + " accept=" + accept;
                    assertProblem(a, 404, what);
                    assertThat(a.text()).as(what).doesNotContain("Whitelabel").doesNotContain("timestamp");
                }
            }
        }
    }
}
