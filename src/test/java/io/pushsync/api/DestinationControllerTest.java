package io.pushsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.batches.BatchService;
import io.pushsync.sync.intake.PayloadFingerprint;
import io.pushsync.sync.jobs.InMemoryJobStore;
import io.pushsync.sync.jobs.JobProperties;
import io.pushsync.sync.jobs.JobSegments;
import io.pushsync.sync.intake.BatchValidator;
import io.pushsync.sync.Connection;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.DestinationRegistry;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncMetrics;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.OptionDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import io.pushsync.sync.connections.NamedConnections;
import io.pushsync.sync.connections.NamedConnectionsProperties;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.idempotency.InMemoryIdempotencyLedger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.ResultMatcher;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import io.pushsync.sync.history.HistoryProperties;
import io.pushsync.sync.runs.RunsConfiguration;
import io.pushsync.sync.snapshots.OnDiskSnapshotStore;
import io.pushsync.sync.snapshots.Replacements;
import io.pushsync.sync.snapshots.SnapshotProperties;
import io.pushsync.testsupport.FullBatchRoom;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP contract of {@code /v1/destinations} in a web slice with a fake destination: Problem Details for every
 * request error, caller authentication, idempotent replay and per-row results.
 */
@WebMvcTest(DestinationController.class)
@Import({ProblemDetailsAdvice.class, SecurityConfig.class, BatchService.class, BatchValidator.class,
        DestinationRegistry.class, NamedConnections.class, InMemoryIdempotencyLedger.class, SyncMetrics.class, PayloadFingerprint.class,
        BatchBodyReader.class, StreamedBodies.class, InMemoryJobStore.class, JobSegments.class,
        Replacements.class, OnDiskSnapshotStore.class, RunsConfiguration.class, BatchRoom.class,
        DestinationControllerTest.FakeDestinationConfig.class})
@EnableConfigurationProperties({BatchProperties.class, IdempotencyProperties.class, ApiTokenProperties.class,
        JobProperties.class, NamedConnectionsProperties.class, SnapshotProperties.class, HistoryProperties.class})
@TestPropertySource(properties = {"pushsync.api-tokens=test-token", "pushsync.batch.max-rows=3",
        "pushsync.batch.max-body-size=8KB", "pushsync.batch.max-bytes-in-memory=64KB",
        "pushsync.batch.memory-wait=300ms"})
class DestinationControllerTest {

    static final String TOKEN = "test-token";
    static final String SECRET = "fake-secret-K3y-0f-the-vendor";
    static final String BATCHES = "/v1/destinations/fake/batches";
    static final String PROBLEM_JSON = "application/problem+json";
    static final String INVALID_REQUEST = "urn:pushsync:problem:invalid-request";

    @TestConfiguration
    static class FakeDestinationConfig {
        @Bean
        FakeDestination fakeDestination() {
            return new FakeDestination();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    /**
     * Type {@code fake}: object type {@code contacts} (modes upsert, mirror; required option {@code listId}; required
     * field {@code email}), connection {@code account} (plain) and {@code apiKey} (secret). Every row succeeds. A batch
     * whose syncId starts with {@code blocking} waits on {@link #release} after counting down {@link #entered}.
     */
    static class FakeDestination implements Destination {
        static final DestinationDescriptor DESCRIPTOR = new DestinationDescriptor("fake", "Fake vendor",
                List.of(ConnectionField.plain("account", "Account", List.of()),
                        ConnectionField.secret("apiKey", "API key")),
                List.of(new ObjectTypeDescriptor("contacts", "Contacts", List.of("upsert", "mirror"),
                        List.of(OptionDescriptor.positiveInteger("listId", true, "the list")),
                        List.of(RequiredField.of("email")), List.of("email", "name"))));

        final List<SyncRequest> calls = new CopyOnWriteArrayList<>();
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch release = new CountDownLatch(0);

        @Override
        public DestinationDescriptor descriptor() {
            return DESCRIPTOR;
        }

        @Override
        public ConnectionCheckResult checkConnection(Connection connection, Deadline deadline) {
            return ConnectionCheckResult.success();
        }

        @Override
        public void sync(SyncRequest request, Deadline deadline, RowResults results) {
            calls.add(request);
            if (request.syncId().startsWith("blocking")) {
                entered.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("test never released the blocking batch");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            for (SyncRow row : request.rows()) {
                results.succeeded(row.index());
            }
        }

        long callsFor(String batchId) {
            return calls.stream().filter(c -> c.batchId().equals(batchId)).count();
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    FakeDestination fake;

    @Autowired
    BatchRoom room;

    final JsonMapper json = JsonMapper.builder().build();

    // ---------------------------------------------------------------- request helpers

    static Map<String, Object> row(String id, Map<String, Object> fields) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("fields", fields);
        return r;
    }

    static Map<String, Object> contact(String id, String email) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("email", email);
        fields.put("name", "Name of " + id);
        return row(id, fields);
    }

    /** A valid batch (upsert, 2 rows) with a fresh batchId. */
    static Map<String, Object> validBatch() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("syncId", "contacts-sync");
        b.put("batchId", "batch-" + UUID.randomUUID());
        Map<String, Object> connection = new LinkedHashMap<>();
        connection.put("account", "acme");
        connection.put("apiKey", SECRET);
        b.put("connection", connection);
        b.put("objectType", "contacts");
        b.put("mode", "upsert");
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("listId", 42);
        b.put("options", options);
        List<Object> rows = new ArrayList<>();
        rows.add(contact("r1", "a@example.com"));
        rows.add(contact("r2", "b@example.com"));
        b.put("rows", rows);
        return b;
    }

    static Map<String, Object> validBatch(Consumer<Map<String, Object>> change) {
        Map<String, Object> b = validBatch();
        change.accept(b);
        return b;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    static List<Object> rows(Map<String, Object> batch) {
        return (List<Object>) batch.get("rows");
    }

    String toJson(Object o) {
        return json.writeValueAsString(o);
    }

    MockHttpServletRequestBuilder postBatch(String body) {
        return post(BATCHES).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .contentType(MediaType.APPLICATION_JSON).content(body);
    }

    ResultActions send(Map<String, Object> batch) throws Exception {
        return mvc.perform(postBatch(toJson(batch)));
    }

    static ResultMatcher problem(int status, String type, String title) {
        return all(
                status().is(status),
                content().contentTypeCompatibleWith(PROBLEM_JSON),
                jsonPath("$.type").value(type),
                jsonPath("$.title").value(title),
                jsonPath("$.status").value(status),
                jsonPath("$.detail").isNotEmpty());
    }

    /** 400 invalid-request whose errors are exactly the given pointers (in any order). */
    static ResultMatcher invalid(String... pointers) {
        return all(
                problem(400, INVALID_REQUEST, "Invalid request"),
                jsonPath("$.errors", hasSize(pointers.length)),
                jsonPath("$.errors[*].pointer", containsInAnyOrder(pointers)),
                jsonPath("$.errors[*].message", everyItem(not(org.hamcrest.Matchers.emptyString()))),
                content().string(not(containsString(SECRET))));
    }

    static ResultMatcher all(ResultMatcher... matchers) {
        return result -> {
            for (ResultMatcher m : matchers) {
                m.match(result);
            }
        };
    }

    static ResultMatcher noSecret() {
        return content().string(not(containsString(SECRET)));
    }

    // ---------------------------------------------------------------- 503: no room in memory

    @Test
    void aBatchWithoutRoomInMemoryIs503WithRetryAfterAndIsNotRunThenGoesOnceThereIsRoom() throws Exception {
        Map<String, Object> batch = validBatch();
        try (FullBatchRoom held = new FullBatchRoom(room)) { // batches holding the whole room
            send(batch)
                    .andExpect(problem(503, "urn:pushsync:problem:batch-memory-full", "Batch memory full"))
                    .andExpect(header().string(HttpHeaders.RETRY_AFTER, "5"))
                    .andExpect(jsonPath("$.detail", containsString("pushsync.batch.max-bytes-in-memory")));
        }
        assertThat(fake.callsFor((String) batch.get("batchId"))).isZero();
        assertThat(room.held()).isZero();
        send(batch).andExpect(status().isOk()).andExpect(jsonPath("$.summary.succeeded").value(2));
        assertThat(room.held()).as("given back once the batch has its answer").isZero();
    }

    // ---------------------------------------------------------------- 400: malformed / structure

    @Test
    void malformedJsonIs400ProblemWithPosition() throws Exception {
        int callsBefore = fake.calls.size();
        mvc.perform(postBatch("{\"syncId\": \"s\", \"batchId\": "))
                .andExpect(problem(400, "urn:pushsync:problem:malformed-json", "Malformed JSON"))
                .andExpect(jsonPath("$.detail", startsWith("the request body is not well-formed JSON")))
                .andExpect(jsonPath("$.errors[0].pointer").value(""));
        assertThat(fake.calls).hasSize(callsBefore);
    }

    @Test
    void trailingGarbageIsMalformedJson() throws Exception {
        mvc.perform(postBatch("{\"syncId\": } nonsense"))
                .andExpect(problem(400, "urn:pushsync:problem:malformed-json", "Malformed JSON"));
    }

    @Test
    void missingBodyIs400() throws Exception {
        mvc.perform(post(BATCHES).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON))
                .andExpect(problem(400, "urn:pushsync:problem:malformed-json", "Malformed JSON"))
                .andExpect(jsonPath("$.detail").value("the request body is missing"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"syncId\":\"s\"}]", "\"a string\"", "42", "null"})
    void bodyThatIsNotAnObjectIs400(String body) throws Exception {
        mvc.perform(postBatch(body))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.errors[0].pointer").value(""));
    }

    @Test
    void bodyThatIsAnArrayIsInvalidRequestAtTheRoot() throws Exception {
        mvc.perform(postBatch("[]"))
                .andExpect(invalid(""))
                .andExpect(jsonPath("$.detail").value("the request body must be a JSON object"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json, application/problem+json", "*/*"})
    void problemsAreProblemJsonWhateverJsonTheCallerAccepts(String accept) throws Exception {
        mvc.perform(postBatch(toJson(validBatch(b -> b.put("mode", "nope")))).accept(accept))
                .andExpect(invalid("/mode"));
        mvc.perform(postBatch("{").accept(accept))
                .andExpect(problem(400, "urn:pushsync:problem:malformed-json", "Malformed JSON"));
        mvc.perform(post(BATCHES).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).accept(accept)
                        .contentType(MediaType.TEXT_PLAIN).content("x"))
                .andExpect(problem(415, "urn:pushsync:problem:unsupported-media-type", "Unsupported media type"));
        mvc.perform(get("/v1/destinations/nope").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).accept(accept))
                .andExpect(problem(404, "urn:pushsync:problem:unknown-destination", "Unknown destination type"));
        mvc.perform(get("/v1/destinations").accept(accept))
                .andExpect(problem(401, "urn:pushsync:problem:unauthorized", "Unauthorized"));
    }

    // ---------------------------------------------------------------- 400: syncId / batchId

    @ParameterizedTest
    @ValueSource(strings = {"syncId", "batchId"})
    void missingIdentifierIs400(String field) throws Exception {
        send(validBatch(b -> b.remove(field)))
                .andExpect(invalid("/" + field))
                .andExpect(jsonPath("$.detail").value("'" + field + "' is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"syncId", "batchId"})
    void nullIdentifierIs400(String field) throws Exception {
        send(validBatch(b -> b.put(field, null))).andExpect(invalid("/" + field));
    }

    @ParameterizedTest
    @ValueSource(strings = {"syncId", "batchId"})
    void blankIdentifierIs400(String field) throws Exception {
        send(validBatch(b -> b.put(field, "   ")))
                .andExpect(invalid("/" + field))
                .andExpect(jsonPath("$.detail").value("'" + field + "' must be a string of 1 to 200 characters"));
        send(validBatch(b -> b.put(field, ""))).andExpect(invalid("/" + field));
    }

    @ParameterizedTest
    @ValueSource(strings = {"syncId", "batchId"})
    void identifierOf201CharactersIs400(String field) throws Exception {
        send(validBatch(b -> b.put(field, "x".repeat(201)))).andExpect(invalid("/" + field));
    }

    @ParameterizedTest
    @ValueSource(strings = {"syncId", "batchId"})
    void identifierOf200CharactersIsAccepted(String field) throws Exception {
        String value = "y".repeat(199) + UUID.randomUUID().toString().charAt(0);
        send(validBatch(b -> {
            b.put(field, value);
            if (field.equals("syncId")) {
                b.put("batchId", "b-" + UUID.randomUUID());
            }
        }))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$." + field).value(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"syncId", "batchId"})
    void nonStringIdentifierIs400(String field) throws Exception {
        send(validBatch(b -> b.put(field, 7))).andExpect(invalid("/" + field));
    }

    // ---------------------------------------------------------------- 400: connection

    @Test
    void missingConnectionIs400() throws Exception {
        send(validBatch(b -> b.remove("connection")))
                .andExpect(invalid("/connection"));
    }

    @Test
    void connectionThatIsNotAnObjectIs400() throws Exception {
        send(validBatch(b -> b.put("connection", SECRET)))
                .andExpect(invalid("/connection"));
    }

    @Test
    void missingSecretConnectionFieldIs400() throws Exception {
        send(validBatch(b -> map(b, "connection").remove("apiKey")))
                .andExpect(invalid("/connection/apiKey"))
                .andExpect(jsonPath("$.detail").value("connection field 'apiKey' is required"));
    }

    @Test
    void blankSecretConnectionFieldIs400() throws Exception {
        send(validBatch(b -> map(b, "connection").put("apiKey", " ")))
                .andExpect(invalid("/connection/apiKey"));
    }

    @Test
    void unknownConnectionFieldIs400AndDoesNotEchoItsValue() throws Exception {
        send(validBatch(b -> map(b, "connection").put("password", SECRET)))
                .andExpect(invalid("/connection/password"));
    }

    @Test
    void secretOfTheWrongTypeIs400WithoutEchoingIt() throws Exception {
        send(validBatch(b -> map(b, "connection").put("apiKey", List.of(SECRET))))
                .andExpect(invalid("/connection/apiKey"));
    }

    // ---------------------------------------------------------------- 400: objectType / mode

    @Test
    void unknownObjectTypeIs400() throws Exception {
        send(validBatch(b -> b.put("objectType", "invoices")))
                .andExpect(invalid("/objectType"))
                .andExpect(jsonPath("$.detail", containsString("invoices")))
                .andExpect(jsonPath("$.detail", containsString("contacts")));
    }

    @Test
    void missingObjectTypeIs400() throws Exception {
        send(validBatch(b -> b.remove("objectType"))).andExpect(invalid("/objectType"));
    }

    @Test
    void unsupportedModeIs400() throws Exception {
        send(validBatch(b -> b.put("mode", "remove")))
                .andExpect(invalid("/mode"))
                .andExpect(jsonPath("$.detail", containsString("upsert")))
                .andExpect(jsonPath("$.detail", containsString("mirror")));
    }

    @Test
    void missingModeIs400() throws Exception {
        send(validBatch(b -> b.remove("mode"))).andExpect(invalid("/mode"));
    }

    // ---------------------------------------------------------------- 400: options

    @Test
    void missingRequiredOptionIs400() throws Exception {
        send(validBatch(b -> b.remove("options")))
                .andExpect(invalid("/options/listId"))
                .andExpect(jsonPath("$.detail").value("option 'listId' is required for objectType contacts"));
        send(validBatch(b -> map(b, "options").remove("listId"))).andExpect(invalid("/options/listId"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "\"x\"", "\"12\"", "1.5", "true", "{}"})
    void invalidPositiveIntegerOptionIs400(String value) throws Exception {
        String body = toJson(validBatch()).replace("\"listId\":42", "\"listId\":" + value);
        assertThat(body).contains("\"listId\":" + value);
        mvc.perform(postBatch(body))
                .andExpect(invalid("/options/listId"))
                .andExpect(jsonPath("$.detail").value("option 'listId' must be a positive integer"));
    }

    @Test
    void unknownOptionIs400() throws Exception {
        send(validBatch(b -> map(b, "options").put("folder", "x")))
                .andExpect(invalid("/options/folder"))
                .andExpect(jsonPath("$.detail", containsString("unknown option 'folder'")));
    }

    @Test
    void optionsThatAreNotAnObjectAre400() throws Exception {
        send(validBatch(b -> b.put("options", List.of(42)))).andExpect(invalid("/options"));
    }

    // ---------------------------------------------------------------- 400: rows

    @Test
    void duplicateRowIdsAre400PointingAtTheSecondOccurrence() throws Exception {
        send(validBatch(b -> rows(b).set(1, contact("r1", "b@example.com"))))
                .andExpect(invalid("/rows/1/id"))
                .andExpect(jsonPath("$.detail", containsString("duplicate row id 'r1'")));
    }

    @Test
    void changeMissingInMirrorModeIs400() throws Exception {
        send(validBatch(b -> {
            b.put("mode", "mirror");
            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) rows(b).get(0);
            first.put("change", "added");
        }))
                .andExpect(invalid("/rows/1/change"));
    }

    @Test
    void unknownChangeInMirrorModeIs400() throws Exception {
        send(validBatch(b -> {
            b.put("mode", "mirror");
            for (Object r : rows(b)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> row = (Map<String, Object>) r;
                row.put("change", "deleted");
            }
        }))
                .andExpect(invalid("/rows/0/change", "/rows/1/change"));
    }

    @Test
    void changeOutsideMirrorModeIs400() throws Exception {
        send(validBatch(b -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> second = (Map<String, Object>) rows(b).get(1);
            second.put("change", "added");
        }))
                .andExpect(invalid("/rows/1/change"))
                .andExpect(jsonPath("$.detail", containsString("only allowed in mirror mode")));
    }

    @Test
    void mirrorWithChangeOnEveryRowIsAccepted() throws Exception {
        Map<String, Object> batch = validBatch(b -> {
            b.put("mode", "mirror");
            String[] changes = {"added", "removed"};
            for (int i = 0; i < 2; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> row = (Map<String, Object>) rows(b).get(i);
                row.put("change", changes[i]);
            }
        });
        send(batch)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.mode").value("mirror"))
                .andExpect(jsonPath("$.summary.succeeded").value(2));
        SyncRequest call = fake.calls.stream().filter(c -> c.batchId().equals(batch.get("batchId"))).findFirst()
                .orElseThrow();
        assertThat(call.rows()).extracting(r -> r.isRemoval("mirror")).containsExactly(false, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "\"r1\"", "null", "42"})
    void rowsThatAreNotAnArrayAre400(String rows) throws Exception {
        String body = toJson(validBatch(b -> b.put("rows", "PLACEHOLDER"))).replace("\"PLACEHOLDER\"", rows);
        mvc.perform(postBatch(body))
                .andExpect(invalid("/rows"))
                .andExpect(jsonPath("$.detail").value("'rows' is required and must be an array of rows"));
    }

    @Test
    void missingRowsIs400() throws Exception {
        send(validBatch(b -> b.remove("rows"))).andExpect(invalid("/rows"));
    }

    @Test
    void rowWithoutIdOrFieldsIs400() throws Exception {
        send(validBatch(b -> {
            Map<String, Object> noId = new LinkedHashMap<>();
            noId.put("fields", Map.of("email", "c@example.com"));
            Map<String, Object> noFields = new LinkedHashMap<>();
            noFields.put("id", "r4");
            rows(b).set(0, noId);
            rows(b).set(1, noFields);
        }))
                .andExpect(invalid("/rows/0/id", "/rows/1/fields"));
    }

    @Test
    void severalProblemsAtOnceAreAllReported() throws Exception {
        send(validBatch(b -> {
            b.remove("syncId");
            b.put("batchId", "");
            map(b, "connection").remove("apiKey");
            b.put("objectType", "invoices");
            b.put("surprise", true);
        }))
                .andExpect(invalid("/syncId", "/batchId", "/connection/apiKey", "/objectType", "/surprise"))
                .andExpect(jsonPath("$.detail", startsWith("5 problems in the request, first: ")));
    }

    @Test
    void severalProblemsInOptionsAndRowsAreAllReported() throws Exception {
        send(validBatch(b -> {
            map(b, "options").put("listId", 0);
            map(b, "options").put("folder", "x");
            rows(b).set(1, contact("r1", "dup@example.com"));
            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) rows(b).get(0);
            first.put("change", "added");
        }))
                .andExpect(invalid("/options/listId", "/options/folder", "/rows/1/id", "/rows/0/change"));
    }

    @Test
    void invalidRequestReachesNoDestination() throws Exception {
        Map<String, Object> batch = validBatch(b -> b.put("mode", "remove"));
        send(batch).andExpect(status().isBadRequest());
        assertThat(fake.callsFor((String) batch.get("batchId"))).isZero();
    }

    // ---------------------------------------------------------------- 401

    @Test
    void noAuthorizationHeaderIs401() throws Exception {
        Map<String, Object> batch = validBatch();
        mvc.perform(post(BATCHES).contentType(MediaType.APPLICATION_JSON).content(toJson(batch)))
                .andExpect(problem(401, "urn:pushsync:problem:unauthorized", "Unauthorized"))
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer"))
                .andExpect(jsonPath("$.detail").value("an 'Authorization: Bearer <token>' header is required"))
                .andExpect(noSecret());
        assertThat(fake.callsFor((String) batch.get("batchId"))).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer wrong-token", "Bearer test-token-x", "Bearer ", "Basic dGVzdC10b2tlbg==",
            "test-token", "Bearertest-token"})
    void wrongTokenIs401(String authorization) throws Exception {
        Map<String, Object> batch = validBatch();
        mvc.perform(post(BATCHES).header(HttpHeaders.AUTHORIZATION, authorization)
                        .contentType(MediaType.APPLICATION_JSON).content(toJson(batch)))
                .andExpect(problem(401, "urn:pushsync:problem:unauthorized", "Unauthorized"))
                .andExpect(jsonPath("$.detail").value("the bearer token is not valid"));
        assertThat(fake.callsFor((String) batch.get("batchId"))).isZero();
    }

    @Test
    void catalogNeedsAToken() throws Exception {
        mvc.perform(get("/v1/destinations"))
                .andExpect(problem(401, "urn:pushsync:problem:unauthorized", "Unauthorized"));
        mvc.perform(get("/v1/destinations/fake").header(HttpHeaders.AUTHORIZATION, "Bearer nope"))
                .andExpect(problem(401, "urn:pushsync:problem:unauthorized", "Unauthorized"));
    }

    @Test
    void unauthenticatedRequestToUnknownDestinationIs401Not404() throws Exception {
        mvc.perform(get("/v1/destinations/nope"))
                .andExpect(problem(401, "urn:pushsync:problem:unauthorized", "Unauthorized"));
    }

    @Test
    void rightBearerTokenWorks() throws Exception {
        send(validBatch()).andExpect(status().isOk());
        mvc.perform(get("/v1/destinations").header(HttpHeaders.AUTHORIZATION, "bearer " + TOKEN))
                .andExpect(status().isOk());
    }

    // ---------------------------------------------------------------- 404

    @Test
    void unknownDestinationOnGetIs404() throws Exception {
        mvc.perform(get("/v1/destinations/nope").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(problem(404, "urn:pushsync:problem:unknown-destination", "Unknown destination type"))
                .andExpect(jsonPath("$.detail", containsString("'nope'")))
                .andExpect(jsonPath("$.detail", containsString("fake")));
    }

    @Test
    void unknownDestinationOnPostIs404() throws Exception {
        mvc.perform(post("/v1/destinations/nope/batches").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON).content(toJson(validBatch())))
                .andExpect(problem(404, "urn:pushsync:problem:unknown-destination", "Unknown destination type"))
                .andExpect(noSecret());
        mvc.perform(post("/v1/destinations/nope/connection-checks").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"connection\": {}}"))
                .andExpect(problem(404, "urn:pushsync:problem:unknown-destination", "Unknown destination type"));
    }

    @Test
    void unknownPathIs404Problem() throws Exception {
        mvc.perform(get("/v1/nothing-here").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(problem(404, "urn:pushsync:problem:not-found", "Not found"));
    }

    // ---------------------------------------------------------------- 409

    @Test
    void sameKeyWithADifferentPayloadIs409() throws Exception {
        Map<String, Object> first = validBatch();
        send(first).andExpect(status().isOk());
        Map<String, Object> second = validBatch(b -> {
            b.put("batchId", first.get("batchId"));
            rows(b).add(contact("r3", "c@example.com"));
        });
        send(second)
                .andExpect(problem(409, "urn:pushsync:problem:batch-conflict", "Batch conflict"))
                .andExpect(jsonPath("$.detail", containsString("different payload")))
                .andExpect(header().doesNotExist("Idempotent-Replayed"))
                .andExpect(noSecret());
        assertThat(fake.callsFor((String) first.get("batchId"))).isEqualTo(1);
    }

    @Test
    void sameBatchIdInAnotherSyncIsNotAConflict() throws Exception {
        Map<String, Object> first = validBatch();
        send(first).andExpect(status().isOk());
        send(validBatch(b -> {
            b.put("batchId", first.get("batchId"));
            b.put("syncId", "another-sync");
        }))
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist("Idempotent-Replayed"));
        assertThat(fake.callsFor((String) first.get("batchId"))).isEqualTo(2);
    }

    @Test
    void sameBatchStillInProgressIs409() throws Exception {
        fake.entered = new CountDownLatch(1);
        fake.release = new CountDownLatch(1);
        Map<String, Object> batch = validBatch(b -> b.put("syncId", "blocking-" + UUID.randomUUID()));
        String body = toJson(batch);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<MvcResult> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return mvc.perform(postBatch(body)).andReturn();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, executor);
            assertThat(fake.entered.await(10, TimeUnit.SECONDS)).as("first batch reached the destination").isTrue();

            mvc.perform(postBatch(body))
                    .andExpect(problem(409, "urn:pushsync:problem:batch-conflict", "Batch conflict"))
                    .andExpect(jsonPath("$.detail", containsString("still in progress")))
                    .andExpect(noSecret());
            assertThat(first).isNotDone();

            fake.release.countDown();
            MvcResult done = first.get(10, TimeUnit.SECONDS);
            assertThat(done.getResponse().getStatus()).isEqualTo(200);
            assertThat(done.getResponse().getHeader("Idempotent-Replayed")).isNull();

            mvc.perform(postBatch(body))
                    .andExpect(status().isOk())
                    .andExpect(header().string("Idempotent-Replayed", "true"));
            assertThat(fake.callsFor((String) batch.get("batchId"))).isEqualTo(1);
        } finally {
            fake.release.countDown();
            executor.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- 413

    @Test
    void moreRowsThanMaxRowsIs413() throws Exception {
        Map<String, Object> batch = validBatch(b -> {
            rows(b).add(contact("r3", "c@example.com"));
            rows(b).add(contact("r4", "d@example.com"));
        });
        send(batch)
                .andExpect(problem(413, "urn:pushsync:problem:batch-too-large", "Batch too large"))
                .andExpect(jsonPath("$.detail", containsString("4 rows")))
                .andExpect(jsonPath("$.detail", containsString("at most 3")))
                .andExpect(noSecret());
        assertThat(fake.callsFor((String) batch.get("batchId"))).isZero();
    }

    @Test
    void aBodyLargerThanMaxBodySizeIs413BeforeParsing() throws Exception {
        Map<String, Object> batch = validBatch(b -> b.put("padding", "x".repeat(9_000)));
        send(batch)
                .andExpect(problem(413, "urn:pushsync:problem:body-too-large", "Request body too large"))
                .andExpect(jsonPath("$.detail", containsString("at most 8192")))
                .andExpect(noSecret());
        assertThat(fake.callsFor((String) batch.get("batchId"))).isZero();
    }

    @Test
    void exactlyMaxRowsIsAccepted() throws Exception {
        send(validBatch(b -> rows(b).add(contact("r3", "c@example.com"))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.summary.received").value(3));
    }

    // ---------------------------------------------------------------- 415

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml"})
    void nonJsonContentTypeIs415(String contentType) throws Exception {
        Map<String, Object> batch = validBatch();
        mvc.perform(post(BATCHES).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                        .contentType(contentType).content(toJson(batch)))
                .andExpect(problem(415, "urn:pushsync:problem:unsupported-media-type", "Unsupported media type"))
                .andExpect(jsonPath("$.detail", containsString(contentType)))
                .andExpect(noSecret());
        assertThat(fake.callsFor((String) batch.get("batchId"))).isZero();
    }

    @Test
    void missingContentTypeIs415() throws Exception {
        mvc.perform(post(BATCHES).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).content(toJson(validBatch())))
                .andExpect(problem(415, "urn:pushsync:problem:unsupported-media-type", "Unsupported media type"));
    }

    @Test
    void jsonWithCharsetIsAccepted() throws Exception {
        mvc.perform(post(BATCHES).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                        .contentType("application/json;charset=UTF-8").content(toJson(validBatch())))
                .andExpect(status().isOk());
    }

    // ---------------------------------------------------------------- replay

    @Test
    void replayReturnsTheStoredAnswerWithoutCallingTheDestination() throws Exception {
        Map<String, Object> batch = validBatch();
        String body = toJson(batch);
        MvcResult first = mvc.perform(postBatch(body))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(header().doesNotExist("Idempotent-Replayed"))
                .andReturn();
        MvcResult second = mvc.perform(postBatch(body))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(header().string("Idempotent-Replayed", "true"))
                .andReturn();
        assertThat(second.getResponse().getContentAsString())
                .isEqualTo(first.getResponse().getContentAsString());
        assertThat(fake.callsFor((String) batch.get("batchId"))).isEqualTo(1);
    }

    @Test
    void invalidRequestDoesNotClaimTheIdempotencyKey() throws Exception {
        Map<String, Object> batch = validBatch();
        Map<String, Object> broken = validBatch(b -> {
            b.put("batchId", batch.get("batchId"));
            b.put("mode", "remove");
        });
        send(broken).andExpect(status().isBadRequest());
        send(batch)
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist("Idempotent-Replayed"));
        assertThat(fake.callsFor((String) batch.get("batchId"))).isEqualTo(1);
    }

    // ---------------------------------------------------------------- row-level outcomes

    @Test
    void rowMissingItsRequiredFieldFailsAloneInInputOrder() throws Exception {
        Map<String, Object> batch = validBatch(b -> {
            Map<String, Object> noEmail = new LinkedHashMap<>();
            noEmail.put("name", "No Mail");
            rows(b).add(0, row("r0", noEmail));
        });
        String body = send(batch)
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.syncId").value("contacts-sync"))
                .andExpect(jsonPath("$.batchId").value(batch.get("batchId")))
                .andExpect(jsonPath("$.destination").value("fake"))
                .andExpect(jsonPath("$.objectType").value("contacts"))
                .andExpect(jsonPath("$.mode").value("upsert"))
                .andExpect(jsonPath("$.results[*].id", contains("r0", "r1", "r2")))
                .andExpect(jsonPath("$.results[0].status").value("failed"))
                .andExpect(jsonPath("$.results[0].error.code").value("missing_required_field"))
                .andExpect(jsonPath("$.results[0].error.field").value("email"))
                .andExpect(jsonPath("$.results[0].error.retryable").value(false))
                .andExpect(jsonPath("$.results[0].error.message").isNotEmpty())
                .andExpect(jsonPath("$.results[1].status").value("succeeded"))
                .andExpect(jsonPath("$.results[1].error").doesNotExist())
                .andExpect(jsonPath("$.results[2].status").value("succeeded"))
                .andExpect(jsonPath("$.summary.received").value(3))
                .andExpect(jsonPath("$.summary.succeeded").value(2))
                .andExpect(jsonPath("$.summary.failed").value(1))
                .andExpect(jsonPath("$.summary.accepted").value(0))
                .andExpect(jsonPath("$.summary.skipped").value(0))
                .andExpect(jsonPath("$.durationMs").isNumber())
                .andExpect(noSecret())
                .andReturn().getResponse().getContentAsString();
        var tree = json.readTree(body);
        var s = tree.get("summary");
        assertThat(s.get("succeeded").asInt() + s.get("accepted").asInt() + s.get("failed").asInt()
                + s.get("skipped").asInt()).isEqualTo(s.get("received").asInt()).isEqualTo(tree.get("results").size());

        SyncRequest call = fake.calls.stream().filter(c -> c.batchId().equals(batch.get("batchId"))).findFirst()
                .orElseThrow();
        assertThat(call.rows()).extracting(SyncRow::id).containsExactly("r1", "r2");
        assertThat(call.rows()).extracting(SyncRow::index).containsExactly(1, 2);
    }

    @Test
    void blankRequiredFieldFailsTheRowToo() throws Exception {
        send(validBatch(b -> rows(b).set(1, contact("r2", "  "))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[0].status").value("succeeded"))
                .andExpect(jsonPath("$.results[1].status").value("failed"))
                .andExpect(jsonPath("$.results[1].error.code").value("missing_required_field"));
    }

    @Test
    void batchWhereEveryRowFailsStillAnswers200WithoutCallingTheDestination() throws Exception {
        Map<String, Object> batch = validBatch(b -> {
            rows(b).set(0, row("r1", Map.of("name", "x")));
            rows(b).set(1, row("r2", Map.of()));
        });
        send(batch)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[*].status", contains("failed", "failed")))
                .andExpect(jsonPath("$.summary.failed").value(2));
        assertThat(fake.callsFor((String) batch.get("batchId"))).isZero();
    }

    @Test
    void emptyRowsAnswerAnEmptyResult() throws Exception {
        send(validBatch(b -> rows(b).clear()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results", hasSize(0)))
                .andExpect(jsonPath("$.summary.received").value(0));
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void secretNeverAppearsInAnyResponse() throws Exception {
        Map<String, Object> batch = validBatch();
        String body = toJson(batch);
        List<MvcResult> answers = new ArrayList<>();
        answers.add(mvc.perform(postBatch(body)).andExpect(status().isOk()).andReturn());
        answers.add(mvc.perform(postBatch(body)).andExpect(status().isOk()).andReturn());
        answers.add(mvc.perform(postBatch(body.replace("a@example.com", "z@example.com")))
                .andExpect(status().isConflict()).andReturn());
        answers.add(mvc.perform(postBatch(toJson(validBatch(b -> b.put("mode", "nope")))))
                .andExpect(status().isBadRequest()).andReturn());
        answers.add(mvc.perform(postBatch(body.substring(0, body.indexOf(SECRET) + 5)))
                .andExpect(status().isBadRequest()).andReturn());
        answers.add(mvc.perform(post(BATCHES).contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isUnauthorized()).andReturn());
        answers.add(mvc.perform(post("/v1/destinations/fake/connection-checks")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"connection\": {\"account\": \"acme\", \"apiKey\": \"" + SECRET + "\"}}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.ok").value(true)).andReturn());
        answers.add(mvc.perform(get("/v1/destinations").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(status().isOk()).andReturn());
        for (MvcResult r : answers) {
            assertThat(r.getResponse().getContentAsString()).doesNotContain(SECRET).doesNotContain("K3y-0f");
            for (String name : r.getResponse().getHeaderNames()) {
                assertThat(r.getResponse().getHeaders(name)).noneMatch(v -> v.contains(SECRET));
            }
        }
    }

    // ---------------------------------------------------------------- connection checks

    @Test
    void connectionCheckValidatesTheConnection() throws Exception {
        mvc.perform(post("/v1/destinations/fake/connection-checks").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"connection\": {\"account\": \"acme\"}}"))
                .andExpect(invalid("/connection/apiKey"));
    }

    // ---------------------------------------------------------------- catalog

    @Test
    void catalogListsTheFakeDestination() throws Exception {
        mvc.perform(get("/v1/destinations").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$[*].type", contains("fake")))
                .andExpect(jsonPath("$[0].label").value("Fake vendor"))
                .andExpect(jsonPath("$[0].connection[*].name", contains("account", "apiKey")))
                .andExpect(jsonPath("$[0].connection[?(@.name == 'apiKey')].secret", contains(true)))
                .andExpect(jsonPath("$[0].connection[?(@.name == 'account')].secret", contains(false)))
                .andExpect(jsonPath("$[0].objectTypes[0].name").value("contacts"))
                .andExpect(jsonPath("$[0].objectTypes[0].modes", contains("upsert", "mirror")))
                .andExpect(jsonPath("$[0].objectTypes[0].options[0].name").value("listId"))
                .andExpect(jsonPath("$[0].objectTypes[0].options[0].kind").value("positive_integer"))
                .andExpect(jsonPath("$[0].objectTypes[0].options[0].required").value(true))
                .andExpect(jsonPath("$[0].objectTypes[0].requiredFields[0].name").value("email"))
                .andExpect(jsonPath("$[0].objectTypes[0].defaultFields", contains("email", "name")));
    }

    @Test
    void catalogEntryOfOneType() throws Exception {
        mvc.perform(get("/v1/destinations/fake").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.type").value("fake"))
                .andExpect(jsonPath("$.connection[?(@.name == 'apiKey')].secret", contains(true)))
                .andExpect(jsonPath("$.objectTypes[*].name", contains("contacts")));
    }
}
