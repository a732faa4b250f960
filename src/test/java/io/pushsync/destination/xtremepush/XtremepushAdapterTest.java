package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Xtremepush behaviours against WireMock with the default chunking, isolation budget and deadline. */
class XtremepushAdapterTest extends XtremepushWireMockSupport {

    @Autowired
    XtremepushProperties properties;

    // ---- retries ----

    @Test
    void retriesA429AfterTheRetryAfterTheVendorAsksFor() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).inScenario("rate limited")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody(envelope(429, "Too many requests")))
                .willSetStateTo("open"));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).inScenario("rate limited")
                .whenScenarioStateIs("open")
                .willReturn(okJson(envelope(200, "ok"))));

        JsonNode response = postBatch(profiles(profiles(3, "r")));

        assertAllSucceeded(response);
        List<LoggedRequest> requests = requestsTo(PROFILE_PATH);
        assertThat(requests).hasSize(2);
        long gapMs = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        // the configured backoff is 10ms (first retry immediate): only Retry-After explains a ~1s gap
        assertThat(gapMs).as("gap between the 429 and the retry").isGreaterThanOrEqualTo(990);
        assertThat(bodyOf(requests.get(1))).isEqualTo(bodyOf(requests.get(0)));
    }

    @Test
    void retriesA503AndSucceeds() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody(envelope(503, "Service Unavailable")))
                .willSetStateTo("up"));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).inScenario("flaky")
                .whenScenarioStateIs("up")
                .willReturn(okJson(envelope(200, "ok"))));

        JsonNode response = postBatch(profiles(profiles(4, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(PROFILE_PATH)).hasSize(2);
    }

    @Test
    void persistent500FailsEveryRowAsUnavailableAfterFiveAttempts() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH))
                .willReturn(aResponse().withStatus(500).withBody(envelope(500, "Internal Server Error"))));

        JsonNode response = postBatch(profiles(profiles(3, "r")));

        assertAllFailed(response, "destination_unavailable", true);
        assertThat(requestsTo(PROFILE_PATH)).hasSize(5);
    }

    @Test
    void persistent429FailsEveryRowAsRateLimitedAfterFiveAttempts() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH))
                .willReturn(aResponse().withStatus(429).withBody(envelope(429, "Too many requests"))));

        JsonNode response = postBatch(profiles(profiles(3, "r")));

        assertAllFailed(response, "rate_limited", true);
        assertThat(requestsTo(PROFILE_PATH)).hasSize(5);
    }

    // ---- isolation of rejected rows ----

    @Test
    void a400OnAChunkIsolatesExactlyTheBadRows() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1)
                .withRequestBody(containing("\"bad-1\""))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":400,\"success\":false,\"message\":\"Import failed\","
                                + "\"errors\":{\"user_id\":[\"bad-1 is blocked\"]}}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(2)
                .withRequestBody(containing("\"bad-2\""))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":400,\"success\":false,\"message\":\"Import failed\","
                                + "\"errors\":{\"user_id\":[\"bad-2 is blocked\"]}}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(10)
                .willReturn(okJson(envelope(200, "ok"))));
        List<ObjectNode> rows = profiles(10, "r");
        rows.set(3, profile("r3", "bad-1"));
        rows.set(7, profile("r7", "bad-2"));

        JsonNode response = postBatch(profiles(rows));

        JsonNode results = response.get("results");
        for (int i = 0; i < 10; i++) {
            if (i == 3 || i == 7) {
                assertFailed(results.get(i), "rejected_by_destination", false);
            } else {
                assertThat(results.get(i).get("status").asString()).as("row %d", i).isEqualTo("succeeded");
            }
        }
        assertThat(results.get(3).get("error").get("message").asString()).contains("400").contains("Import failed")
                .contains("bad-1 is blocked").doesNotContain("could not be isolated");
        assertThat(results.get(7).get("error").get("message").asString()).contains("bad-2 is blocked")
                .doesNotContain("bad-1");
        assertThat(response.get("summary").get("failed").asInt()).isEqualTo(2);
        int requests = requestsTo(PROFILE_PATH).size();
        assertThat(requests).isGreaterThan(2).isLessThanOrEqualTo(properties.isolation().maxRequestsPerChunk());
        // a 400 is never retried: every request carries a different set of rows
        Set<String> distinctBodies = new HashSet<>();
        requestsTo(PROFILE_PATH).forEach(r -> distinctBodies.add(r.getBodyAsString()));
        assertThat(distinctBodies).hasSize(requests);
    }

    @Test
    void twoRejectedRowsInA300RowChunkFailAloneWhileTheOther298Succeed() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1)
                .withRequestBody(containing("\"bad-a\""))
                .willReturn(aResponse().withStatus(400)
                        .withBody("{\"code\":400,\"success\":false,\"message\":\"Unknown profile bad-a\"}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1)
                .withRequestBody(containing("\"bad-b\""))
                .willReturn(aResponse().withStatus(400)
                        .withBody("{\"code\":400,\"success\":false,\"message\":\"Unknown profile bad-b\"}")));
        // 100 or more records: the vendor answers 202 with a task id
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(5)
                .withRequestBody(matchingJsonPath("$.rows[99]"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":202,\"success\":true,\"data\":{\"task_id\":\"task-big\"}}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(10)
                .willReturn(okJson(envelope(200, "ok"))));
        List<ObjectNode> rows = profiles(300, "r");
        rows.set(10, profile("r10", "bad-a"));
        rows.set(60, profile("r60", "bad-b"));

        JsonNode response = postBatch(profiles(rows));

        JsonNode results = response.get("results");
        assertFailed(results.get(10), "rejected_by_destination", false);
        assertFailed(results.get(60), "rejected_by_destination", false);
        assertThat(results.get(10).get("error").get("message").asString()).contains("Unknown profile bad-a");
        assertThat(results.get(60).get("error").get("message").asString()).contains("Unknown profile bad-b");
        for (int i = 0; i < 300; i++) {
            if (i == 10 || i == 60) {
                continue;
            }
            String status = results.get(i).get("status").asString();
            assertThat(status).as("row %d", i).isIn("succeeded", "accepted");
            if (i >= 150) {
                // the second half (150 rows) went through in one request and was accepted asynchronously
                assertThat(status).as("row %d", i).isEqualTo("accepted");
                assertThat(results.get(i).get("taskId").asString()).isEqualTo("task-big");
            }
        }
        JsonNode summary = response.get("summary");
        assertThat(summary.get("failed").asInt()).isEqualTo(2);
        assertThat(summary.get("succeeded").asInt() + summary.get("accepted").asInt()).isEqualTo(298);
        assertThat(requestsTo(PROFILE_PATH).size()).isLessThanOrEqualTo(properties.isolation().maxRequestsPerChunk());
    }

    // ---- non-JSON bodies ----

    @Test
    void a200WithAnHtmlBodySucceeds() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html>ok</html>")));

        JsonNode response = postBatch(profiles(profiles(2, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }

    @Test
    void a500WithAnHtmlBodyIsRetriedAndThenSucceeds() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).inScenario("html")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "text/html")
                        .withBody("<html><body>Bad Gateway</body></html>"))
                .willSetStateTo("fine"));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).inScenario("html")
                .whenScenarioStateIs("fine")
                .willReturn(okJson(envelope(200, "ok"))));

        JsonNode response = postBatch(profiles(profiles(2, "r")));

        assertAllSucceeded(response);
        assertThat(requestsTo(PROFILE_PATH)).hasSize(2);
    }

    @Test
    void a202WithANonJsonBodyIsAcceptedWithoutTaskId() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "text/plain").withBody("queued")));

        JsonNode response = postBatch(profiles(profiles(2, "r")));

        for (JsonNode result : response.get("results")) {
            assertThat(result.get("status").asString()).isEqualTo("accepted");
            assertThat(result.has("taskId")).as("taskId of %s", result).isFalse();
        }
        assertThat(response.get("summary").get("accepted").asInt()).isEqualTo(2);
    }

    @Test
    void a400WithAnHtmlBodyCarriesTheRawTextAsMessage() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "text/html").withBody("<html>Bad Request</html>")));

        JsonNode response = postBatch(profiles(profiles(1, "r")));

        assertFailed(response.get("results").get(0), "rejected_by_destination", false);
        assertThat(response.get("results").get(0).get("error").get("message").asString())
                .contains("<html>Bad Request</html>");
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }

    // ---- task id of a 202 ----

    static Stream<Arguments> taskIdPositions() {
        return Stream.of(
                Arguments.of("{\"data\":{\"task_id\":\"t-data-task_id\"}}", "t-data-task_id"),
                Arguments.of("{\"data\":{\"taskId\":\"t-data-taskId\"}}", "t-data-taskId"),
                Arguments.of("{\"data\":{\"id\":\"t-data-id\"}}", "t-data-id"),
                Arguments.of("{\"model\":{\"id\":\"t-model-id\"}}", "t-model-id"),
                Arguments.of("{\"task_id\":\"t-task_id\"}", "t-task_id"),
                Arguments.of("{\"id\":\"t-id\"}", "t-id"),
                Arguments.of("{\"code\":202,\"success\":true,\"data\":{\"id\":98765}}", "98765"),
                // first match wins
                Arguments.of("{\"id\":\"last\",\"model\":{\"id\":\"fourth\"},\"data\":{\"taskId\":\"second\"}}",
                        "second"));
    }

    @ParameterizedTest
    @MethodSource("taskIdPositions")
    void a202CarriesTheTaskIdFromEachDocumentedPosition(String body, String taskId) throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody(body)));

        JsonNode response = postBatch(profiles(profiles(3, "r")));

        for (JsonNode result : response.get("results")) {
            assertThat(result.get("status").asString()).isEqualTo("accepted");
            assertThat(result.get("taskId").asString()).isEqualTo(taskId);
        }
    }

    // ---- chunking, grouping, normalisation ----

    @Test
    void twelveThousandProfilesLeaveAsChunksOfAtMost5000AndComeBackInInputOrder() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":202,\"success\":true,\"data\":{\"task_id\":\"t-12k\"}}")));
        int n = 12_000;
        List<ObjectNode> rows = new ArrayList<>(n);
        List<String> inputIds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // row ids in a scrambled order (7919 is prime to 12000), user ids in sequence
            String id = "row-" + ((i * 7919L) % n);
            inputIds.add(id);
            rows.add(profile(id, "u-" + i));
        }

        JsonNode response = postBatch(profiles(rows));

        List<String> resultIds = new ArrayList<>(n);
        for (JsonNode result : response.get("results")) {
            resultIds.add(result.get("id").asString());
            assertThat(result.get("status").asString()).isEqualTo("accepted");
            assertThat(result.get("taskId").asString()).isEqualTo("t-12k");
        }
        assertThat(resultIds).isEqualTo(inputIds);

        List<JsonNode> bodies = new ArrayList<>(requestsTo(PROFILE_PATH).stream().map(XtremepushAdapterTest::bodyOf)
                .toList());
        assertThat(bodies).hasSize(3);
        bodies.sort((a, b) -> Integer.compare(firstUserNumber(a), firstUserNumber(b)));
        assertThat(bodies.stream().map(b -> b.get("rows").size()).toList()).containsExactly(5000, 5000, 2000);
        List<String> sentUserIds = new ArrayList<>(n);
        for (JsonNode body : bodies) {
            int userIdColumn = columns(body).indexOf("user_id");
            assertThat(userIdColumn).isNotNegative();
            for (JsonNode row : body.get("rows")) {
                sentUserIds.add(row.get(userIdColumn).asString());
            }
        }
        List<String> expected = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            expected.add("u-" + i);
        }
        assertThat(sentUserIds).isEqualTo(expected);
    }

    /**
     * Two column sets interleaved row by row over more than a chunk each: every request holds one set's rows only,
     * in input order, and each set is cut into chunks exactly as if it had been sent alone (5,000 + 1,000), however
     * the rows were spread over the cores for normalisation and whichever chunk left first.
     */
    @Test
    void interleavedColumnSetsAreChunkedPerSetInInputOrder() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"code\":200,\"success\":true}")));
        int n = 12_000;
        List<ObjectNode> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ObjectNode row = profile("row-" + i, "u-" + i);
            if (i % 2 == 1) {
                ((ObjectNode) row.get("fields")).put("last_name", "Odd");
            }
            rows.add(row);
        }

        JsonNode response = postBatch(profiles(rows));

        assertThat(response.at("/summary/succeeded").asInt()).isEqualTo(n);
        Map<Boolean, List<Integer>> sentBySet = new HashMap<>();
        Map<Boolean, List<Integer>> chunkSizes = new HashMap<>();
        List<JsonNode> bodies = new ArrayList<>(requestsTo(PROFILE_PATH).stream().map(XtremepushAdapterTest::bodyOf)
                .toList());
        bodies.sort((a, b) -> Integer.compare(firstUserNumber(a), firstUserNumber(b)));
        for (JsonNode body : bodies) {
            boolean odd = columns(body).contains("last_name");
            int userIdColumn = columns(body).indexOf("user_id");
            chunkSizes.computeIfAbsent(odd, k -> new ArrayList<>()).add(body.get("rows").size());
            for (JsonNode row : body.get("rows")) {
                int user = Integer.parseInt(row.get(userIdColumn).asString().substring(2));
                assertThat(user % 2 == 1).as("a request holds one column set").isEqualTo(odd);
                sentBySet.computeIfAbsent(odd, k -> new ArrayList<>()).add(user);
            }
        }
        assertThat(chunkSizes).containsEntry(false, List.of(5000, 1000)).containsEntry(true, List.of(5000, 1000));
        assertThat(sentBySet.get(false)).isEqualTo(IntStream.range(0, n).filter(i -> i % 2 == 0).boxed().toList());
        assertThat(sentBySet.get(true)).isEqualTo(IntStream.range(0, n).filter(i -> i % 2 == 1).boxed().toList());
    }

    private static int firstUserNumber(JsonNode body) {
        int col = columns(body).indexOf("user_id");
        return Integer.parseInt(body.get("rows").get(0).get(col).asString().substring(2));
    }

    private static List<String> columns(JsonNode body) {
        List<String> columns = new ArrayList<>();
        body.get("columns").forEach(c -> columns.add(c.asString()));
        return columns;
    }

    @Test
    void rowsWithDifferentFieldSetsGoIntoDifferentRequestsWithNormalisedValues() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
        List<ObjectNode> rows = new ArrayList<>();
        ObjectNode r1 = row("r1");
        fields(r1).put("user_id", "  U-1 ").put("email", "  Ann@Example.COM ").put("email_subscription", true);
        rows.add(r1);
        ObjectNode r2 = row("r2");
        fields(r2).put("user_id", "u-2").put("mobile_number", "+353 85 012 3456")
                .put("sms_subscription", "opted_out");
        rows.add(r2);
        ObjectNode r3 = row("r3");
        fields(r3).put("user_id", "u-3").put("email", "bob@example.com").put("email_subscription", "no");
        rows.add(r3);
        ObjectNode r4 = row("r4");
        ObjectNode prefs = fields(r4).put("user_id", "u-4").putObject("prefs");
        prefs.put("theme", "dark");
        prefs.putArray("topics").add("news").add("sport");
        rows.add(r4);

        JsonNode response = postBatch(profiles(rows));

        assertAllSucceeded(response);
        List<LoggedRequest> requests = requestsTo(PROFILE_PATH);
        assertThat(requests).hasSize(3);
        Map<Set<String>, JsonNode> byColumns = new HashMap<>();
        for (LoggedRequest request : requests) {
            JsonNode body = bodyOf(request);
            List<String> columns = columns(body);
            assertThat(new HashSet<>(columns)).as("no duplicate column").hasSize(columns.size());
            for (JsonNode row : body.get("rows")) {
                assertThat(row.size()).as("one value per column").isEqualTo(columns.size());
            }
            byColumns.put(Set.copyOf(columns), body);
        }
        assertThat(byColumns.keySet()).containsExactlyInAnyOrder(
                Set.of("user_id", "email", "email_subscription"),
                Set.of("user_id", "mobile_number", "sms_subscription"),
                Set.of("user_id", "prefs"));

        JsonNode emails = byColumns.get(Set.of("user_id", "email", "email_subscription"));
        assertThat(emails.get("rows").size()).isEqualTo(2);
        assertThat(value(emails, 0, "user_id").asString()).isEqualTo("U-1");
        assertThat(value(emails, 0, "email").asString()).isEqualTo("ann@example.com");
        assertThat(value(emails, 0, "email_subscription").isIntegralNumber()).isTrue();
        assertThat(value(emails, 0, "email_subscription").asInt()).isEqualTo(1);
        assertThat(value(emails, 1, "user_id").asString()).isEqualTo("u-3");
        assertThat(value(emails, 1, "email_subscription").isIntegralNumber()).isTrue();
        assertThat(value(emails, 1, "email_subscription").asInt()).isEqualTo(0);

        JsonNode phones = byColumns.get(Set.of("user_id", "mobile_number", "sms_subscription"));
        assertThat(phones.get("rows").size()).isEqualTo(1);
        JsonNode mobile = value(phones, 0, "mobile_number");
        assertThat(mobile.isIntegralNumber()).as("mobile_number is a JSON number: %s", mobile).isTrue();
        assertThat(mobile.asLong()).isEqualTo(353850123456L);
        assertThat(value(phones, 0, "sms_subscription").isIntegralNumber()).isTrue();
        assertThat(value(phones, 0, "sms_subscription").asInt()).isEqualTo(0);

        JsonNode objects = byColumns.get(Set.of("user_id", "prefs"));
        JsonNode prefsOnWire = value(objects, 0, "prefs");
        assertThat(prefsOnWire.isString()).as("an object attribute is a JSON string: %s", prefsOnWire).isTrue();
        assertThat(JSON.readTree(prefsOnWire.asString())).isEqualTo(prefs);
    }

    @Test
    void rowsWithTheSameColumnsInAnotherOrderShareARequestWithEachValueUnderItsColumn() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
        ObjectNode r1 = row("r1");
        fields(r1).put("user_id", "u-1").put("email", "ann@example.com").put("email_subscription", 1)
                .put("first_name", "Ann");
        ObjectNode r2 = row("r2");
        fields(r2).put("first_name", "Bo \"B\" \u00e9").put("email_subscription", "no").put("email", "bo@example.com")
                .put("user_id", "u-2");

        assertAllSucceeded(postBatch(profiles(List.of(r1, r2))));

        List<LoggedRequest> requests = requestsTo(PROFILE_PATH);
        assertThat(requests).hasSize(1);
        JsonNode body = bodyOf(requests.get(0));
        assertThat(columns(body)).containsExactly("user_id", "email", "email_subscription", "first_name");
        assertThat(value(body, 1, "user_id").asString()).isEqualTo("u-2");
        assertThat(value(body, 1, "email").asString()).isEqualTo("bo@example.com");
        assertThat(value(body, 1, "email_subscription").asInt()).isEqualTo(0);
        assertThat(value(body, 1, "first_name").asString()).isEqualTo("Bo \"B\" \u00e9");
        assertThat(value(body, 0, "first_name").asString()).isEqualTo("Ann");
    }

    private static ObjectNode row(String id) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        row.putObject("fields");
        return row;
    }

    private static ObjectNode fields(ObjectNode row) {
        return (ObjectNode) row.get("fields");
    }

    private static JsonNode value(JsonNode body, int row, String column) {
        return body.get("rows").get(row).get(columns(body).indexOf(column));
    }

    // ---- lists ----

    @Test
    void mirrorModeAddsAddedAndChangedMembersAndDeletesRemovedOnes() throws Exception {
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).willReturn(okJson(envelope(200, "ok"))));
        List<ObjectNode> rows = List.of(
                member("m1", "added", "  Ann@Example.com "),
                member("m2", "removed", "gone@example.com"),
                member("m3", "changed", "user-42"),
                member("m4", "removed", "user-7"));

        JsonNode response = postBatch(batch("list_members", "mirror", listOptions(4321), rows));

        assertAllSucceeded(response);
        List<LoggedRequest> requests = requestsTo(LIST_PATH);
        assertThat(requests).hasSize(2);
        Map<String, JsonNode> byMode = new HashMap<>();
        for (LoggedRequest request : requests) {
            JsonNode body = bodyOf(request);
            assertThat(body.get("apptoken").asString()).isEqualTo(APP_TOKEN);
            assertThat(body.get("id").isIntegralNumber()).isTrue();
            assertThat(body.get("id").asLong()).isEqualTo(4321L);
            byMode.put(body.get("mode").asString(), body);
        }
        assertThat(byMode.keySet()).containsExactlyInAnyOrder("create", "delete");
        assertThat(strings(byMode.get("create").get("items"))).containsExactly("ann@example.com", "user-42");
        assertThat(strings(byMode.get("delete").get("items"))).containsExactly("gone@example.com", "user-7");
    }

    @Test
    void aListThatDoesNotExistFailsEveryRowAsNotFoundWithOneRequest() throws Exception {
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).willReturn(aResponse().withStatus(404)
                .withBody(envelope(404, "List not found"))));
        List<ObjectNode> rows = List.of(member("m1", null, "a@example.com"), member("m2", null, "b@example.com"),
                member("m3", null, "user-3"));

        JsonNode response = postBatch(batch("list_members", "add", listOptions(999), rows));

        assertAllFailed(response, "destination_not_found", false);
        assertThat(response.get("results").get(0).get("error").get("message").asString())
                .contains("List not found");
        assertThat(requestsTo(LIST_PATH)).hasSize(1);
        assertThat(bodyOf(requestsTo(LIST_PATH).get(0)).get("id").asLong()).isEqualTo(999L);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    // ---- secrets ----

    @Test
    void theAppTokenTravelsInTheBodyOnlyAndNeverComesBackInTheResponse() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).willReturn(okJson(envelope(200, "ok"))));

        String profileResponse = postBatchRaw(profiles(profiles(2, "r")));
        String listResponse = postBatchRaw(batch("list_members", "add", listOptions(5),
                List.of(member("m1", null, "a@example.com"))));

        assertThat(profileResponse).doesNotContain(APP_TOKEN);
        assertThat(listResponse).doesNotContain(APP_TOKEN);
        List<LoggedRequest> requests = wireMock.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
        assertThat(requests).hasSize(2);
        for (LoggedRequest request : requests) {
            assertThat(bodyOf(request).get("apptoken").asString()).isEqualTo(APP_TOKEN);
            assertThat(request.getUrl()).doesNotContain(APP_TOKEN);
            for (HttpHeader header : request.getHeaders().all()) {
                assertThat(header.key()).doesNotContainIgnoringCase(APP_TOKEN);
                for (String v : header.values()) {
                    assertThat(v).as("header %s", header.key()).doesNotContain(APP_TOKEN);
                }
            }
            assertThat(request.getHeader("Authorization")).isNull();
        }
    }

    @Test
    void aVendorErrorThatEchoesTheTokenDoesNotLeakItIntoTheResponse() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).withRequestBody(containing("\"u-0\""))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":400,\"success\":false,\"message\":\"Bad row for app " + APP_TOKEN
                                + "\",\"errors\":{\"apptoken\":[\"" + APP_TOKEN + " has no attribute x\"]}}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(10).willReturn(okJson(envelope(200, "ok"))));

        String raw = postBatchRaw(profiles(profiles(2, "r")));

        JsonNode response = JSON.readTree(raw);
        assertFailed(response.get("results").get(0), "rejected_by_destination", false);
        assertThat(response.get("results").get(0).get("error").get("message").asString()).contains("Bad row for app");
        assertThat(response.get("results").get(1).get("status").asString()).isEqualTo("succeeded");
        assertThat(raw).doesNotContain(APP_TOKEN);
    }

    @Test
    void anAuthErrorThatEchoesTheTokenDoesNotLeakItIntoTheResponse() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":401,\"success\":false,\"message\":\"Invalid apptoken " + APP_TOKEN + "\"}")));

        String raw = postBatchRaw(profiles(profiles(2, "r")));

        assertAllFailed(JSON.readTree(raw), "destination_auth_failed", false);
        assertThat(raw).contains("Invalid apptoken").doesNotContain(APP_TOKEN);
    }

    // ---- connection check ----

    @Test
    void connectionCheckSucceedsOnA200() throws Exception {
        wireMock.stubFor(post(urlEqualTo(CHECK_PATH)).willReturn(okJson(
                "{\"code\":200,\"success\":true,\"data\":[{\"id\":1,\"user_id\":\"u-1\"}]}")));

        JsonNode result = checkConnection();

        assertThat(result.get("ok").asBoolean()).isTrue();
        assertThat(result.has("error")).isFalse();
        List<LoggedRequest> requests = requestsTo(CHECK_PATH);
        assertThat(requests).hasSize(1);
        JsonNode body = bodyOf(requests.get(0));
        assertThat(body.get("apptoken").asString()).isEqualTo(APP_TOKEN);
        assertThat(body.get("limit").asInt()).isEqualTo(1);
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void connectionCheckReportsAuthFailureOnA401() throws Exception {
        wireMock.stubFor(post(urlEqualTo(CHECK_PATH)).willReturn(aResponse().withStatus(401)
                .withBody(envelope(401, "Invalid app token"))));

        JsonNode result = checkConnection();

        assertThat(result.get("ok").asBoolean()).isFalse();
        assertThat(result.get("error").get("code").asString()).isEqualTo("destination_auth_failed");
        assertThat(result.get("error").get("message").asString()).contains("Invalid app token");
        assertThat(requestsTo(CHECK_PATH)).hasSize(1);
    }

    @Test
    void connectionCheckReportsAnUnavailableVendor() throws Exception {
        wireMock.stubFor(post(urlEqualTo(CHECK_PATH)).willReturn(aResponse().withStatus(502)));

        JsonNode result = checkConnection();

        assertThat(result.get("ok").asBoolean()).isFalse();
        assertThat(result.get("error").get("code").asString()).isEqualTo("destination_unavailable");
        assertThat(requestsTo(CHECK_PATH)).hasSize(5);
    }

    // ---- routing, replay, rows that never reach the wire ----

    @Test
    void aUsConnectionGoesToTheUsBaseUrlOnly() throws Exception {
        usWireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(aResponse().withStatus(500)));
        ObjectNode body = profiles(profiles(2, "r"));
        ((ObjectNode) body.get("connection")).put("region", "us");

        JsonNode response = postBatch(body);

        assertAllSucceeded(response);
        assertThat(usWireMock.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH)))).hasSize(1);
        assertThat(wireMock.getAllServeEvents()).isEmpty();
        LoggedRequest sent = usWireMock.findAll(postRequestedFor(urlEqualTo(PROFILE_PATH))).get(0);
        assertThat(sent.getHeader("Content-Type")).startsWith("application/json");
        assertThat(bodyOf(sent).get("apptoken").asString()).isEqualTo(APP_TOKEN);
    }

    @Test
    void replayingTheSameBatchMakesNoVendorCall() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
        ObjectNode body = profiles(profiles(3, "r"));

        String first = postBatchRaw(body);
        var second = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                        .post("/v1/destinations/xtremepush/batches")
                        .header("Authorization", "Bearer test-token")
                        .contentType("application/json")
                        .content(JSON.writeValueAsBytes(body)))
                .andReturn().getResponse();

        assertThat(second.getStatus()).isEqualTo(200);
        assertThat(second.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(JSON.readTree(second.getContentAsString()).get("results"))
                .isEqualTo(JSON.readTree(first).get("results"));
        assertThat(requestsTo(PROFILE_PATH)).hasSize(1);
    }

    @Test
    void rowsFailedLocallyKeepTheirPlaceAndNeverReachTheWire() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
        List<ObjectNode> rows = new ArrayList<>();
        rows.add(profile("ok-1", "u-1"));
        ObjectNode noSubscription = row("no-sub");
        fields(noSubscription).put("user_id", "u-2").put("email", "x@example.com");
        rows.add(noSubscription);
        ObjectNode noIdentifier = row("no-id");
        fields(noIdentifier).put("user_id", " ").put("first_name", "Nobody");
        rows.add(noIdentifier);
        ObjectNode badPhone = row("bad-phone");
        fields(badPhone).put("user_id", "u-4").put("mobile_number", "12").put("sms_subscription", 1);
        rows.add(badPhone);
        rows.add(profile("ok-2", "u-5"));

        JsonNode response = postBatch(profiles(rows));

        JsonNode results = response.get("results");
        assertThat(results.get(0).get("status").asString()).isEqualTo("succeeded");
        assertFailed(results.get(1), "missing_subscription_status", false);
        assertFailed(results.get(2), "missing_required_field", false);
        assertFailed(results.get(3), "invalid_phone_number", false);
        assertThat(results.get(4).get("status").asString()).isEqualTo("succeeded");
        List<LoggedRequest> requests = requestsTo(PROFILE_PATH);
        assertThat(requests).hasSize(1);
        List<String> sentUsers = new ArrayList<>();
        JsonNode sent = bodyOf(requests.get(0));
        sent.get("rows").forEach(r -> sentUsers.add(r.get(columns(sent).indexOf("user_id")).asString()));
        assertThat(sentUsers).containsExactly("u-1", "u-5");
    }

    /**
     * An import creates the profile, so a row with only its identifier is sent, not skipped: also one whose other
     * fields were all null and left out (nulls = ignore), and one identified by {@code device_id}.
     */
    @Test
    void identifierOnlyRowsAreSentToCreateTheirProfiles() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
        ObjectNode onlyId = row("only-id");
        fields(onlyId).put("user_id", "u-3");
        ObjectNode allNull = row("all-null");
        fields(allNull).put("user_id", "u-6").putNull("first_name").putNull("email");
        ObjectNode onlyDevice = row("only-device");
        fields(onlyDevice).put("device_id", "d-7");

        JsonNode response = postBatch(profiles(List.of(onlyId, profile("ok-1", "u-1"), allNull, onlyDevice)));

        assertThat(response.get("results")).allSatisfy(r -> assertThat(r.get("status").asString())
                .as("%s", r).isEqualTo("succeeded"));
        assertThat(response.get("summary").get("skipped").asInt()).isZero();
        Map<List<String>, List<String>> sent = new HashMap<>();
        for (LoggedRequest request : requestsTo(PROFILE_PATH)) {
            JsonNode body = bodyOf(request);
            body.get("rows").forEach(r -> sent.computeIfAbsent(columns(body), k -> new ArrayList<>())
                    .add(r.get(0).asString()));
        }
        assertThat(sent).containsOnlyKeys(List.of("user_id"), List.of("user_id", "first_name"), List.of("device_id"));
        assertThat(sent.get(List.of("user_id"))).containsExactly("u-3", "u-6");
        assertThat(sent.get(List.of("device_id"))).containsExactly("d-7");
    }

    @Test
    void nullsAreLeftOutUnlessTheCallerAsksToClearThem() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
        ObjectNode r = row("r1");
        fields(r).put("user_id", "u-1").put("first_name", "Ann").putNull("last_name");
        ObjectNode ignoring = profiles(List.of(r.deepCopy()));
        ObjectNode clearing = profiles(List.of(r.deepCopy()));
        clearing.putObject("options").put("nulls", "clear");

        postBatch(ignoring);
        postBatch(clearing);

        List<LoggedRequest> requests = requestsTo(PROFILE_PATH);
        assertThat(requests).hasSize(2);
        JsonNode ignored = bodyOf(requests.get(0));
        JsonNode cleared = bodyOf(requests.get(1));
        assertThat(columns(ignored)).containsExactlyInAnyOrder("user_id", "first_name");
        assertThat(columns(cleared)).containsExactlyInAnyOrder("user_id", "first_name", "last_name");
        assertThat(value(cleared, 0, "last_name").isNull()).isTrue();
    }
}
