package io.pushsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole service in the {@code sandbox} profile on a real port, driven over real HTTP with the README's example
 * requests: pushsync calls its own in-process Xtremepush simulator on 127.0.0.1.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("sandbox")
@ExtendWith(OutputCaptureExtension.class)
class SandboxEndToEndTest {

    static final int PORT = freePort();
    static final String CALLER_TOKEN = "sandbox-token";
    static final String APP_TOKEN = "sandbox-app-token";
    static final Path EXAMPLES = Path.of("examples");

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final JsonMapper json = JsonMapper.builder().build();

    record Answer(int status, HttpResponse<String> raw, JsonNode body) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String text() {
            return raw.body();
        }
    }

    // ---------------------------------------------------------------- HTTP helpers (127.0.0.1 only)

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + PORT + path);
    }

    Answer exchange(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        if (contentType.contains("json") && !r.body().isEmpty()) {
            body = json.readTree(r.body());
        }
        return new Answer(r.statusCode(), r, body);
    }

    Answer post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return exchange(b.build());
    }

    Answer postV1(String path, String body) throws Exception {
        return post(path, body, CALLER_TOKEN);
    }

    Answer get(String path) throws Exception {
        return exchange(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    static String example(String name) throws IOException {
        return Files.readString(EXAMPLES.resolve(name));
    }

    /** The example with a fresh batchId, so that it is synced again rather than replayed. */
    ObjectNode freshCopy(String name) throws IOException {
        ObjectNode batch = (ObjectNode) json.readTree(example(name));
        batch.put("batchId", "test-" + UUID.randomUUID());
        return batch;
    }

    static JsonNode result(Answer a, String id) {
        for (JsonNode r : a.body().get("results")) {
            if (r.get("id").asString().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no result for row " + id + " in " + a.text());
    }

    static List<String> ids(Answer a) {
        List<String> out = new ArrayList<>();
        a.body().get("results").forEach(r -> out.add(r.get("id").asString()));
        return out;
    }

    static void assertSummaryAddsUp(Answer a) {
        JsonNode s = a.body().get("summary");
        assertThat(s.get("succeeded").asInt() + s.get("accepted").asInt() + s.get("failed").asInt()
                + s.get("skipped").asInt()).isEqualTo(s.get("received").asInt())
                .isEqualTo(a.body().get("results").size());
    }

    @BeforeEach
    void resetSimulator() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/sandbox/xtremepush")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(204);
        HttpResponse<String> c = http.send(HttpRequest.newBuilder(uri("/sandbox/cleverpush")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(c.statusCode()).isBetween(200, 204);
    }

    @Test
    void aBodyNestedDeeperThanTheLimitIsAClear400() throws Exception {
        ObjectNode batch = freshCopy("xtremepush-profiles.json");
        String deep = "[".repeat(100) + "]".repeat(100);
        String body = batch.toString().replace("\"first_name\":\"Ada\"", "\"first_name\":" + deep);
        assertThat(body).contains(deep);

        Answer a = postV1("/v1/destinations/xtremepush/batches", body);

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.body().get("detail").asString()).contains("nesting depth", "64");
    }

    // ---------------------------------------------------------------- CleverPush README examples

    @Test
    void cleverPushSubscriptionsExampleSyncsAndUnsubscribes() throws Exception {
        Answer a = postV1("/v1/destinations/cleverpush/batches", freshCopy("cleverpush-subscriptions.json").toString());

        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(ids(a)).containsExactly("s1", "s2", "s3", "s4", "s5");
        assertSummaryAddsUp(a);
        assertThat(result(a, "s1").get("status").asString()).isEqualTo("succeeded");
        assertThat(result(a, "s2").get("status").asString()).isEqualTo("succeeded");
        // checked before sending: the channel has no such custom attribute
        assertRowFailed(result(a, "s3"), "unknown_attribute", "favourite_colour");
        assertThat(result(a, "s3").get("error").get("message").asString()).contains("favourite_colour");
        assertRowFailed(result(a, "s4"), "invalid_phone_number", "phone");
        assertThat(result(a, "s5").get("status").asString()).isEqualTo("succeeded");

        JsonNode subscriptions = get("/sandbox/cleverpush/subscriptions").body();
        JsonNode ada = null;
        for (JsonNode sub : subscriptions) {
            if ("crm-1".equals(sub.path("customAttributes").path("user_id").asString(""))) {
                ada = sub;
            }
        }
        assertThat(ada).as(subscriptions.toString()).isNotNull();
        assertThat(ada.get("emailAddress").asString()).isEqualTo("ada@example.com");
        assertThat(ada.get("topics").toString()).isEqualTo("[\"news\",\"offers\"]");
        assertThat(ada.get("customAttributes").get("plan").asString()).isEqualTo("gold");
        assertThat(subscriptions.get("sub-1003").get("unsubscribed").asBoolean()).isTrue();
        assertThat(get("/sandbox/cleverpush/requests").text()).doesNotContain("sandbox-api-key");
    }

    @Test
    void theSubscriptionsExampleAsABackgroundJobOverRealHttp() throws Exception {
        Answer submitted = postV1("/v1/destinations/cleverpush/jobs",
                freshCopy("cleverpush-subscriptions.json").toString());
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        String jobId = submitted.body().get("jobId").asString();
        assertThat(submitted.header("Location")).isEqualTo("/v1/jobs/" + jobId);

        Answer[] status = new Answer[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            status[0] = getV1("/v1/jobs/" + jobId);
            return status[0].body().get("state").asString().equals("completed");
        });
        assertThat(status[0].body().at("/summary/succeeded").asInt()).isEqualTo(3);
        assertThat(status[0].body().at("/summary/failed").asInt()).isEqualTo(2);

        Answer page = getV1("/v1/jobs/" + jobId + "/results?offset=1&limit=3");
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(ids(page)).containsExactly("s2", "s3", "s4");
        assertRowFailed(result(page, "s4"), "invalid_phone_number", "phone");
        assertThat(page.body().get("nextOffset").asInt()).isEqualTo(4);
    }

    Answer getV1(String path) throws Exception {
        return exchange(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + CALLER_TOKEN).GET().build());
    }

    @Test
    void cleverPushTagsExampleSendsOneCallPerTagAndNamesTheFailedTags() throws Exception {
        Answer a = postV1("/v1/destinations/cleverpush/batches", freshCopy("cleverpush-tags.json").toString());

        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(ids(a)).containsExactly("t1", "t2", "t3", "t4");
        assertThat(result(a, "t1").get("status").asString()).isEqualTo("succeeded");
        assertThat(result(a, "t2").get("status").asString()).isEqualTo("succeeded");
        // checked before sending: the channel has no such tag, so none of the row's tags is sent
        assertRowFailed(result(a, "t3"), "unknown_tag", "tags");
        assertThat(result(a, "t3").get("error").get("message").asString()).contains("no-such-tag")
                .doesNotContain("'vip'");
        assertRowFailed(result(a, "t4"), "destination_not_found", "tags");

        JsonNode subscriptions = get("/sandbox/cleverpush/subscriptions").body();
        List<String> first = new ArrayList<>();
        subscriptions.get("sub-1001").get("tags").forEach(t -> first.add(t.asString()));
        assertThat(first).containsExactlyInAnyOrder("vip", "newsletter");
        List<String> tags = new ArrayList<>();
        subscriptions.get("sub-1002").get("tags").forEach(t -> tags.add(t.asString()));
        assertThat(tags).containsExactlyInAnyOrder("beta", "vip"); // calls finish in any order
        // 1 channel check (which lists the tags) + t1: 2 tags, t2: 2 (duplicate dropped), t3: none, t4: 1
        assertThat(get("/sandbox/cleverpush/requests").body().size()).isEqualTo(6);
    }

    /**
     * The README's user id example as written ({@code -d @examples/cleverpush-tags-by-user-id.json}): each distinct
     * user id is looked up once and the native subscription tagged; a second batch finds the ids in the cache and
     * looks up only the user with no subscription again.
     */
    @Test
    void cleverPushTagsByUserIdExampleLooksUpEachUserOnceAndTagsTheNativeSubscription() throws Exception {
        String example = example("cleverpush-tags-by-user-id.json");
        assertThat(json.readTree(example).get("options").get("subscriptionIdKind").asString()).isEqualTo("user_id");
        assertThat(Files.readString(Path.of("README.md")))
                .contains("-d @examples/cleverpush-tags-by-user-id.json localhost:8080/v1/destinations/cleverpush/batches");

        Answer a = postV1("/v1/destinations/cleverpush/batches", example);

        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(ids(a)).containsExactly("u1", "u2", "u3");
        JsonNode summary = a.body().get("summary");
        assertThat(summary.get("received").asInt()).isEqualTo(3);
        assertThat(summary.get("succeeded").asInt()).isEqualTo(2);
        assertThat(summary.get("failed").asInt()).isEqualTo(1);
        assertSummaryAddsUp(a);
        assertThat(result(a, "u1").get("status").asString()).isEqualTo("succeeded");
        assertThat(result(a, "u2").get("status").asString()).isEqualTo("succeeded");
        assertRowFailed(result(a, "u3"), "subscription_not_found", "subscription_id");
        assertThat(result(a, "u3").get("error").get("message").asString())
                .isEqualTo("no subscription of channel sandbox-channel has the user id 'user-9999'");
        assertThat(a.text()).doesNotContain("sandbox-api-key");

        JsonNode subscriptions = get("/sandbox/cleverpush/subscriptions").body();
        assertThat(tagsOf(subscriptions, "sub-1001")).containsExactly("vip");
        assertThat(tagsOf(subscriptions, "sub-1002")).containsExactlyInAnyOrder("newsletter", "beta");
        assertThat(tagsOf(subscriptions, "sub-1003")).isEmpty();

        // the channel check, three look-ups (two found, one 404) and three POST /subscription/tag
        JsonNode requests = get("/sandbox/cleverpush/requests").body();
        List<String> seen = new ArrayList<>();
        requests.forEach(r -> seen.add(r.get("method").asString() + " " + r.get("path").asString() + " "
                + r.get("status").asInt()));
        assertThat(seen).as(requests.toString()).containsExactlyInAnyOrder(
                "GET /channel/sandbox-channel/tags 200",
                "GET /subscription 200", "GET /subscription 200", "GET /subscription 404",
                "POST /subscription/tag 200", "POST /subscription/tag 200", "POST /subscription/tag 200");
        assertThat(seen.get(0)).isEqualTo("GET /channel/sandbox-channel/tags 200");

        // another batch within the cache's TTL: only user-9999 (not found, so not kept) is looked up again
        Answer again = postV1("/v1/destinations/cleverpush/batches", freshCopy("cleverpush-tags-by-user-id.json")
                .toString());
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.body().get("summary").get("succeeded").asInt()).isEqualTo(2);
        assertRowFailed(result(again, "u3"), "subscription_not_found", "subscription_id");
        List<Integer> lookUps = new ArrayList<>();
        get("/sandbox/cleverpush/requests").body().forEach(r -> {
            if (r.get("path").asString().equals("/subscription")) {
                lookUps.add(r.get("status").asInt());
            }
        });
        assertThat(lookUps).containsExactlyInAnyOrder(200, 200, 404, 404);
    }

    static List<String> tagsOf(JsonNode subscriptions, String id) {
        List<String> tags = new ArrayList<>();
        subscriptions.get(id).get("tags").forEach(t -> tags.add(t.asString()));
        return tags;
    }

    @Test
    void cleverPushConnectionCheckAndARefusedKey() throws Exception {
        Answer ok = postV1("/v1/destinations/cleverpush/connection-checks", example("cleverpush-connection.json"));
        assertThat(ok.body().get("ok").asBoolean()).as(ok.text()).isTrue();

        int before = get("/sandbox/cleverpush/requests").body().size();
        ObjectNode batch = freshCopy("cleverpush-tags.json");
        ((ObjectNode) batch.get("connection")).put("apiKey", "wrong-key");
        Answer refused = postV1("/v1/destinations/cleverpush/batches", batch.toString());
        for (JsonNode row : refused.body().get("results")) {
            assertRowFailed(row, "destination_auth_failed", null);
        }
        // the refused key cost one request: the channel check
        assertThat(get("/sandbox/cleverpush/requests").body().size()).isEqualTo(before + 1);
        assertThat(refused.text()).doesNotContain("wrong-key");
    }

    // ---------------------------------------------------------------- the README examples

    /**
     * The README's dry run as written: the profiles example with {@code "dryRun": true} plans its rows (r5's refusal
     * is the vendor's, so it is planned), fails those a real run fails without the vendor, counts two requests (r1
     * and r5 share columns, r2 has its own), shows their bodies with the app token redacted and sends nothing.
     */
    @Test
    void readmeDryRunPlansTheProfilesExampleAndSendsNothing() throws Exception {
        assertThat(Files.readString(Path.of("README.md")))
                .contains("-d @examples/xtremepush-profiles-dry-run.json localhost:8080/v1/destinations/xtremepush/batches");
        int before = get("/sandbox/xtremepush/requests").body().size();
        Answer a = postV1("/v1/destinations/xtremepush/batches", example("xtremepush-profiles-dry-run.json"));
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.header("Idempotent-Replayed")).isNull();
        for (String id : List.of("r1", "r2", "r5")) {
            assertThat(result(a, id).get("status").asString()).isEqualTo("planned");
            assertThat(result(a, id).get("action").asString()).isEqualTo("upsert");
        }
        assertRowFailed(result(a, "r3"), "invalid_phone_number", "mobile_number");
        assertRowFailed(result(a, "r4"), "missing_subscription_status", null);
        assertRowFailed(result(a, "r6"), "missing_required_field", null);
        assertThat(a.body().get("summary").get("planned").asInt()).isEqualTo(3);
        assertThat(a.body().get("summary").get("failed").asInt()).isEqualTo(3);
        assertThat(a.body().get("plan").get("requests").asInt()).isEqualTo(2);
        JsonNode bodies = a.body().get("plan").get("bodies");
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(0).get("path").asString()).isEqualTo("/api/external/import/profile");
        assertThat(bodies.get(0).get("body").get("apptoken").asString()).isEqualTo("****");
        assertThat(bodies.get(0).get("body").get("rows")).hasSize(2);
        assertThat(a.text()).doesNotContain(APP_TOKEN);
        assertThat(get("/sandbox/xtremepush/requests").body().size()).isEqualTo(before);
    }

    @Test
    void profilesExampleGivesOneResultPerRowAndReachesTheSimulator() throws Exception {
        String body = example("xtremepush-profiles.json");
        Answer a = postV1("/v1/destinations/xtremepush/batches", body);

        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.header("Content-Type")).startsWith("application/json");
        assertThat(a.header("Idempotent-Replayed")).isNull();
        assertThat(a.body().get("syncId").asString()).isEqualTo("nightly-profiles");
        assertThat(a.body().get("batchId").asString()).isEqualTo("2026-11-23T02:00:00Z-0001");
        assertThat(a.body().get("destination").asString()).isEqualTo("xtremepush");
        assertThat(a.body().get("objectType").asString()).isEqualTo("user_profiles");
        assertThat(a.body().get("mode").asString()).isEqualTo("upsert");
        assertThat(ids(a)).containsExactly("r1", "r2", "r3", "r4", "r5", "r6");

        assertThat(result(a, "r1").get("status").asString()).isEqualTo("succeeded");
        assertThat(result(a, "r1").has("error")).isFalse();
        assertThat(result(a, "r2").get("status").asString()).isEqualTo("succeeded");
        assertRowFailed(result(a, "r3"), "invalid_phone_number", "mobile_number");
        assertRowFailed(result(a, "r4"), "missing_subscription_status", null);
        assertRowFailed(result(a, "r5"), "rejected_by_destination", null);
        assertThat(result(a, "r5").get("error").get("message").asString()).contains("reject-5");
        assertRowFailed(result(a, "r6"), "missing_required_field", null);

        JsonNode summary = a.body().get("summary");
        assertThat(summary.get("received").asInt()).isEqualTo(6);
        assertThat(summary.get("succeeded").asInt()).isEqualTo(2);
        assertThat(summary.get("failed").asInt()).isEqualTo(4);
        assertThat(summary.get("accepted").asInt()).isZero();
        assertThat(summary.get("skipped").asInt()).isZero();
        assertSummaryAddsUp(a);
        assertThat(a.text()).doesNotContain(APP_TOKEN);

        Answer profiles = get("/sandbox/xtremepush/profiles");
        assertThat(profiles.status()).isEqualTo(200);
        JsonNode u1 = profiles.body().get("u1");
        assertThat(u1).as(profiles.text()).isNotNull();
        assertThat(u1.get("user_id").asString()).isEqualTo("u1");
        assertThat(u1.get("email").asString()).isEqualTo("ada@example.com");
        assertThat(u1.get("email_subscription").asInt()).isEqualTo(1);
        assertThat(u1.get("first_name").asString()).isEqualTo("Ada");
        JsonNode u2 = profiles.body().get("u2");
        assertThat(u2.get("mobile_number").asLong()).isEqualTo(353850123456L);
        assertThat(u2.get("sms_subscription").asInt()).isEqualTo(1);
        assertThat(json.readTree(u2.get("plan").asString()).get("tier").asString()).isEqualTo("gold");
        assertThat(profiles.body().propertyNames()).containsExactlyInAnyOrder("u1", "u2");

        Answer requests = get("/sandbox/xtremepush/requests");
        assertThat(requests.text()).doesNotContain(APP_TOKEN);
        int sent = requests.body().size();
        // as the README tells it: r1 and r5 (same columns) in one request, refused, then split (r1, then r5); r2 on
        // its own, in flight beside them, so anywhere in the order
        List<String> seen = new java.util.ArrayList<>();
        requests.body().forEach(r -> seen.add(r.get("items").asInt() + ":" + r.get("status").asInt()));
        assertThat(seen).containsExactlyInAnyOrder("2:400", "1:200", "1:400", "1:200");
        assertThat(seen.indexOf("2:400")).isLessThan(seen.indexOf("1:400"));

        // the same request again: the stored answer, no vendor call
        Answer replay = postV1("/v1/destinations/xtremepush/batches", body);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.body()).isEqualTo(a.body());
        assertThat(get("/sandbox/xtremepush/requests").body().size()).isEqualTo(sent);

        // the same key with another payload
        ObjectNode changed = (ObjectNode) json.readTree(body);
        ((ArrayNode) changed.get("rows")).remove(5);
        Answer conflict = postV1("/v1/destinations/xtremepush/batches", json.writeValueAsString(changed));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.header("Content-Type")).startsWith("application/problem+json");
        assertThat(conflict.body().get("type").asString()).isEqualTo("urn:pushsync:problem:batch-conflict");
        assertThat(get("/sandbox/xtremepush/requests").body().size()).isEqualTo(sent);
    }

    static void assertRowFailed(JsonNode row, String code, String field) {
        assertThat(row.get("status").asString()).as(row.toString()).isEqualTo("failed");
        JsonNode error = row.get("error");
        assertThat(error.get("code").asString()).as(row.toString()).isEqualTo(code);
        assertThat(error.get("retryable").asBoolean()).isFalse();
        assertThat(error.get("message").asString()).isNotBlank();
        if (field != null) {
            assertThat(error.get("field").asString()).isEqualTo(field);
        }
    }

    @Test
    void listMirrorExampleAddsAndRemovesMembers() throws Exception {
        // the list already holds the member the mirror removes, and one the mirror does not mention
        ObjectNode seed = freshCopy("xtremepush-list-mirror.json");
        seed.put("mode", "add");
        ArrayNode seedRows = json.createArrayNode();
        seedRows.add(json.readTree("{\"id\": \"s1\", \"fields\": {\"identifier\": \" Old@Example.com \"}}"));
        seedRows.add(json.readTree("{\"id\": \"s2\", \"fields\": {\"identifier\": \"stays\"}}"));
        seed.set("rows", seedRows);
        Answer seeded = postV1("/v1/destinations/xtremepush/batches", json.writeValueAsString(seed));
        assertThat(seeded.status()).as(seeded.text()).isEqualTo(200);
        assertThat(seeded.body().get("summary").get("succeeded").asInt()).isEqualTo(2);
        assertThat(listMembers(123)).containsExactly("old@example.com", "stays");

        Answer a = postV1("/v1/destinations/xtremepush/batches", example("xtremepush-list-mirror.json"));
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.body().get("mode").asString()).isEqualTo("mirror");
        assertThat(a.body().get("objectType").asString()).isEqualTo("list_members");
        assertThat(ids(a)).containsExactly("m1", "m2", "m3");
        for (JsonNode r : a.body().get("results")) {
            assertThat(r.get("status").asString()).as(r.toString()).isEqualTo("succeeded");
        }
        assertSummaryAddsUp(a);
        assertThat(a.text()).doesNotContain(APP_TOKEN);

        assertThat(listMembers(123)).containsExactlyInAnyOrder("stays", "ada@example.com", "u2");
        assertThat(listMembers(456)).isEmpty();
    }

    List<String> listMembers(long listId) throws Exception {
        Answer list = get("/sandbox/xtremepush/lists/" + listId);
        assertThat(list.status()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        list.body().forEach(n -> out.add(n.asString()));
        return out;
    }

    /**
     * The README's replace walk-through as written: the first replace creates the snapshot, the second sends only
     * the difference (one addition, one removal; Ada@Example.com and ada@example.com are one member), and the
     * DELETE forgets the snapshot.
     */
    @Test
    void replaceWalkThroughSendsOnlyTheDifference() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme)
                .contains("-d @examples/xtremepush-list-replace-1.json localhost:8080/v1/destinations/xtremepush/batches")
                .contains("-d @examples/xtremepush-list-replace-2.json localhost:8080/v1/destinations/xtremepush/batches")
                .contains("-d @examples/xtremepush-list-snapshot.json localhost:8080/v1/destinations/xtremepush/snapshots");
        Answer forgot = exchange(HttpRequest.newBuilder(uri("/v1/destinations/xtremepush/snapshots"))
                .header("Authorization", "Bearer " + CALLER_TOKEN).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(example("xtremepush-list-snapshot.json")))
                .build());
        assertThat(forgot.status()).as(forgot.text()).isEqualTo(200);

        Answer first = postV1("/v1/destinations/xtremepush/batches", example("xtremepush-list-replace-1.json"));
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.body().get("snapshot").asString()).isEqualTo("created");
        assertThat(listMembers(456)).containsExactlyInAnyOrder("ada@example.com", "u2", "u3");

        Answer second = postV1("/v1/destinations/xtremepush/batches", example("xtremepush-list-replace-2.json"));
        assertThat(second.status()).as(second.text()).isEqualTo(200);
        JsonNode b = second.body();
        assertThat(b.get("snapshot").asString()).isEqualTo("updated");
        assertThat(b.get("summary").toString()).isEqualTo(
                "{\"received\":3,\"succeeded\":1,\"accepted\":0,\"failed\":0,\"skipped\":2,\"removed\":1}");
        assertThat(b.get("results").get(0).get("error").get("code").asString()).isEqualTo("unchanged");
        assertThat(b.get("results").get(1).get("error").get("code").asString()).isEqualTo("unchanged");
        assertThat(b.get("results").get(2).get("status").asString()).isEqualTo("succeeded");
        assertThat(b.get("removed").toString()).isEqualTo("[{\"identifier\":\"u2\",\"status\":\"succeeded\"}]");
        assertThat(listMembers(456)).containsExactlyInAnyOrder("ada@example.com", "u3", "u4");

        assertThat(readme).contains(
                "-d @examples/xtremepush-list-replace-3-dry-run.json localhost:8080/v1/destinations/xtremepush/batches");
        Answer requestsBefore = get("/sandbox/xtremepush/requests");
        Answer dry = postV1("/v1/destinations/xtremepush/batches",
                example("xtremepush-list-replace-3-dry-run.json"));
        assertThat(dry.status()).as(dry.text()).isEqualTo(200);
        assertThat(dry.body().get("results").get(2).get("status").asString()).isEqualTo("planned");
        assertThat(dry.body().get("results").get(2).get("action").asString()).isEqualTo("add");
        assertThat(dry.body().get("removed").toString()).isEqualTo(
                "[{\"identifier\":\"ada@example.com\",\"status\":\"planned\",\"action\":\"remove\"}]");
        assertThat(get("/sandbox/xtremepush/requests").body()).isEqualTo(requestsBefore.body());
        assertThat(listMembers(456)).containsExactlyInAnyOrder("ada@example.com", "u3", "u4");

        Answer forget = exchange(HttpRequest.newBuilder(uri("/v1/destinations/xtremepush/snapshots"))
                .header("Authorization", "Bearer " + CALLER_TOKEN).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(example("xtremepush-list-snapshot.json")))
                .build());
        assertThat(forget.status()).as(forget.text()).isEqualTo(200);
        assertThat(forget.body().get("forgotten").asBoolean()).isTrue();
    }

    @Test
    void unknownListFailsEveryRowWithDestinationNotFound() throws Exception {
        ObjectNode batch = freshCopy("xtremepush-list-mirror.json");
        ((ObjectNode) batch.get("options")).put("listId", 999);
        Answer a = postV1("/v1/destinations/xtremepush/batches", json.writeValueAsString(batch));
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        for (JsonNode r : a.body().get("results")) {
            assertRowFailed(r, "destination_not_found", null);
        }
    }

    @Test
    void largeProfileBatchIsAcceptedWithATaskId() throws Exception {
        ObjectNode batch = freshCopy("xtremepush-profiles.json");
        ArrayNode rows = json.createArrayNode();
        for (int i = 0; i < 150; i++) {
            ObjectNode row = rows.addObject();
            row.put("id", "bulk-" + i);
            row.putObject("fields").put("user_id", "bulk-user-" + i).put("first_name", "Bulk " + i);
        }
        batch.set("rows", rows);
        Answer a = postV1("/v1/destinations/xtremepush/batches", json.writeValueAsString(batch));

        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.body().get("results").size()).isEqualTo(150);
        assertThat(a.body().get("summary").get("accepted").asInt()).isEqualTo(150);
        assertSummaryAddsUp(a);
        String taskId = null;
        for (int i = 0; i < 150; i++) {
            JsonNode r = a.body().get("results").get(i);
            assertThat(r.get("id").asString()).isEqualTo("bulk-" + i);
            assertThat(r.get("status").asString()).isEqualTo("accepted");
            assertThat(r.get("taskId").asString()).startsWith("sbx-task-");
            if (taskId == null) {
                taskId = r.get("taskId").asString();
            }
            assertThat(r.get("taskId").asString()).isEqualTo(taskId);
        }
        assertThat(get("/sandbox/xtremepush/profiles").body().size()).isEqualTo(150);
    }

    /**
     * What the vendor's own documents promise: a profile with only its {@code user_id} is created (not skipped), and
     * its example numbers (UK {@code 447700900900}, Irish {@code 353850123456}) are taken in any usual shape.
     */
    @Test
    void identifierOnlyProfilesAndTheVendorsExampleNumbersReachTheSimulator() throws Exception {
        ObjectNode batch = freshCopy("xtremepush-profiles.json");
        ArrayNode rows = json.createArrayNode();
        rows.addObject().put("id", "only-id").putObject("fields").put("user_id", "u-only");
        rows.addObject().put("id", "all-null").putObject("fields").put("user_id", "u-null").putNull("first_name");
        rows.addObject().put("id", "uk").putObject("fields").put("user_id", "u-uk")
                .put("mobile_number", "+44 7700 900900").put("sms_subscription", 1);
        rows.addObject().put("id", "uk-digits").putObject("fields").put("user_id", "u-uk-2")
                .put("mobile_number", 447700900900L).put("sms_subscription", 1);
        rows.addObject().put("id", "ie").putObject("fields").put("user_id", "u-ie")
                .put("mobile_number", "00353850123456").put("sms_subscription", 1);
        batch.set("rows", rows);

        Answer a = postV1("/v1/destinations/xtremepush/batches", json.writeValueAsString(batch));

        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.body().get("results")).as(a.text())
                .allSatisfy(r -> assertThat(r.get("status").asString()).isEqualTo("succeeded"));
        assertThat(a.body().get("summary").get("skipped").asInt()).isZero();
        assertSummaryAddsUp(a);
        JsonNode profiles = get("/sandbox/xtremepush/profiles").body();
        assertThat(profiles.propertyNames()).containsExactlyInAnyOrder("u-only", "u-null", "u-uk", "u-uk-2", "u-ie");
        assertThat(profiles.get("u-only").propertyNames()).containsExactly("user_id");
        assertThat(profiles.get("u-null").propertyNames()).containsExactly("user_id");
        assertThat(profiles.get("u-uk").get("mobile_number").asLong()).isEqualTo(447700900900L);
        assertThat(profiles.get("u-uk-2").get("mobile_number").asLong()).isEqualTo(447700900900L);
        assertThat(profiles.get("u-ie").get("mobile_number").asLong()).isEqualTo(353850123456L);
    }

    // ---------------------------------------------------------------- connection checks

    @Test
    void connectionCheckExampleIsOk() throws Exception {
        Answer a = postV1("/v1/destinations/xtremepush/connection-checks", example("xtremepush-connection.json"));
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.body().get("ok").asBoolean()).isTrue();
        assertThat(a.body().has("error")).isFalse();
        assertThat(a.text()).doesNotContain(APP_TOKEN);
    }

    /**
     * The README's OAuth 2.0 block as written, in its order: the connection check with the sandbox client, the same
     * client with a wrong secret, then the profiles example with the client instead of the app token; the simulator's
     * request log is the one the README shows. Then, after a reset (which forgets the issued tokens), a new batch gets
     * 401s, asks for one new token and succeeds. One test, since pushsync keeps the sandbox client's token between
     * tests.
     */
    @Test
    void xtremepushOAuthExamplesAsTheReadmeShowsThem() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme)
                .contains("-d @examples/xtremepush-connection-oauth.json localhost:8080/v1/destinations/xtremepush/"
                        + "connection-checks")
                .contains("-d '{\"connection\": {\"region\": \"eu\", \"clientId\": \"sandbox-client\", "
                        + "\"clientSecret\": \"wrong\"}}'")
                .contains("-d @examples/xtremepush-profiles-oauth.json localhost:8080/v1/destinations/xtremepush/batches");
        String secret = "sandbox-client-secret";
        assertThat(example("xtremepush-connection-oauth.json")).contains("\"clientId\": \"sandbox-client\"", secret);

        Answer ok = postV1("/v1/destinations/xtremepush/connection-checks", example("xtremepush-connection-oauth.json"));
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.body().get("ok").asBoolean()).as(ok.text()).isTrue();
        assertThat(ok.body().has("error")).isFalse();

        Answer wrong = postV1("/v1/destinations/xtremepush/connection-checks",
                "{\"connection\": {\"region\": \"eu\", \"clientId\": \"sandbox-client\", \"clientSecret\": \"wrong\"}}");
        assertThat(wrong.status()).as(wrong.text()).isEqualTo(200);
        assertThat(wrong.body().get("ok").asBoolean()).as(wrong.text()).isFalse();
        assertThat(wrong.body().get("error").get("code").asString()).isEqualTo("destination_auth_failed");
        assertThat(wrong.body().get("error").get("message").asString()).isEqualTo("Xtremepush answered 401: the token "
                + "endpoint refused the client credentials (401): {\"error\":\"invalid_client\","
                + "\"error_description\":\"Client authentication failed\"}");

        Answer a = postV1("/v1/destinations/xtremepush/batches", example("xtremepush-profiles-oauth.json"));
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(ids(a)).containsExactly("r1", "r2", "r3", "r4", "r5", "r6");
        // row for row as the app-token example
        assertThat(result(a, "r1").get("status").asString()).isEqualTo("succeeded");
        assertThat(result(a, "r2").get("status").asString()).isEqualTo("succeeded");
        assertRowFailed(result(a, "r3"), "invalid_phone_number", "mobile_number");
        assertRowFailed(result(a, "r4"), "missing_subscription_status", null);
        assertRowFailed(result(a, "r5"), "rejected_by_destination", null);
        assertRowFailed(result(a, "r6"), "missing_required_field", null);
        assertSummaryAddsUp(a);
        assertThat(get("/sandbox/xtremepush/profiles").body().propertyNames()).containsExactlyInAnyOrder("u1", "u2");

        // the check's token is reused: the batch asks for none and makes the same four imports
        List<String> seen = sandboxRequests();
        assertThat(seen.subList(0, 2)).containsExactly("oauth/token:0:200", "oauth/token:0:401");
        assertThat(seen.subList(2, seen.size())).containsExactlyInAnyOrder("import/profile:2:400",
                "import/profile:1:200", "import/profile:1:200", "import/profile:1:400");

        // a reset forgets the tokens: the next batch's imports are answered 401, one new token, sent again
        assertThat(http.send(HttpRequest.newBuilder(uri("/sandbox/xtremepush")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);
        Answer next = postV1("/v1/destinations/xtremepush/batches",
                freshCopy("xtremepush-profiles-oauth.json").toString());
        assertThat(next.status()).as(next.text()).isEqualTo(200);
        assertThat(result(next, "r1").get("status").asString()).as(next.text()).isEqualTo("succeeded");
        assertThat(result(next, "r2").get("status").asString()).isEqualTo("succeeded");
        assertRowFailed(result(next, "r5"), "rejected_by_destination", null);
        List<String> after = sandboxRequests();
        assertThat(after).filteredOn(r -> r.startsWith("oauth/token")).containsExactly("oauth/token:0:200");
        int token = after.indexOf("oauth/token:0:200");
        assertThat(after.subList(0, token)).isNotEmpty().allMatch(r -> r.startsWith("import/profile:") && r.endsWith(":401"));
        // only the imports sent with the forgotten token are refused: at most the chunks in flight for the token
        // (pushsync.xtremepush.chunks-in-flight, 2); one sent before the new token may be recorded after it
        assertThat(after).filteredOn(r -> r.endsWith(":401"))
                .allMatch(r -> r.startsWith("import/profile:")).hasSizeBetween(1, 2);
        assertThat(after.subList(token + 1, after.size())).filteredOn(r -> !r.endsWith(":401"))
                .containsExactlyInAnyOrder("import/profile:2:400", "import/profile:1:200", "import/profile:1:200",
                        "import/profile:1:400");

        for (Answer answer : List.of(ok, wrong, a, next)) {
            assertThat(answer.text()).doesNotContain(secret);
        }
        assertThat(get("/sandbox/xtremepush/requests").text()).doesNotContain(secret);
    }

    /** The Xtremepush simulator's request log as {@code path:items:status}, in the order received. */
    List<String> sandboxRequests() throws Exception {
        List<String> seen = new ArrayList<>();
        get("/sandbox/xtremepush/requests").body().forEach(r -> seen.add(r.get("path").asString() + ":"
                + r.get("items").asInt() + ":" + r.get("status").asInt()));
        return seen;
    }

    @Test
    void connectionCheckWithAWrongTokenIsAuthFailed() throws Exception {
        String wrong = "wrong-app-token-0123456789";
        String body = example("xtremepush-connection.json").replace(APP_TOKEN, wrong);
        assertThat(body).contains(wrong);
        Answer a = postV1("/v1/destinations/xtremepush/connection-checks", body);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.body().get("ok").asBoolean()).isFalse();
        assertThat(a.body().get("error").get("code").asString()).isEqualTo("destination_auth_failed");
        assertThat(a.body().get("error").get("message").asString()).isNotBlank();
        assertThat(a.text()).doesNotContain(wrong);
    }

    @Test
    void batchWithAWrongAppTokenFailsEveryRowWithAuthFailed() throws Exception {
        String wrong = "wrong-app-token-9876543210";
        ObjectNode batch = freshCopy("xtremepush-profiles.json");
        ((ObjectNode) batch.get("connection")).put("appToken", wrong);
        Answer a = postV1("/v1/destinations/xtremepush/batches", json.writeValueAsString(batch));
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(ids(a)).containsExactly("r1", "r2", "r3", "r4", "r5", "r6");
        // rows the core or the normaliser failed keep their own reason; every row that was sent fails on auth
        assertRowFailed(result(a, "r1"), "destination_auth_failed", null);
        assertRowFailed(result(a, "r2"), "destination_auth_failed", null);
        assertRowFailed(result(a, "r5"), "destination_auth_failed", null);
        assertRowFailed(result(a, "r6"), "missing_required_field", null);
        assertThat(a.text()).doesNotContain(wrong);
        assertThat(get("/sandbox/xtremepush/profiles").body().size()).isZero();
    }

    @Test
    void credentialsNeverReachTheLogs(CapturedOutput output) throws Exception {
        String wrong = "wrong-app-token-in-the-logs-4711";
        ObjectNode bad = freshCopy("xtremepush-profiles.json");
        ((ObjectNode) bad.get("connection")).put("appToken", wrong);
        assertThat(postV1("/v1/destinations/xtremepush/batches", json.writeValueAsString(bad)).status())
                .isEqualTo(200);
        assertThat(postV1("/v1/destinations/xtremepush/connection-checks",
                "{\"connection\": {\"region\": \"eu\", \"appToken\": \"" + wrong + "\"}}").status())
                .isEqualTo(200);
        assertThat(postV1("/v1/destinations/xtremepush/batches",
                json.writeValueAsString(freshCopy("xtremepush-profiles.json"))).status()).isEqualTo(200);
        assertThat(post("/v1/destinations/xtremepush/batches", "{}", "caller-token-in-the-logs").status())
                .isEqualTo(401);

        assertThat(output.getAll()).contains("invalid apptoken") // the failures were logged...
                .doesNotContain(wrong)                             // ...without the credentials
                .doesNotContain(APP_TOKEN)
                .doesNotContain("caller-token-in-the-logs");
    }

    // ---------------------------------------------------------------- caller authentication and errors

    @Test
    void v1NeedsTheCallerToken() throws Exception {
        String body = json.writeValueAsString(freshCopy("xtremepush-profiles.json"));
        for (String token : new String[] {null, "wrong"}) {
            Answer a = post("/v1/destinations/xtremepush/batches", body, token);
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.header("Content-Type")).startsWith("application/problem+json");
            assertThat(a.body().get("type").asString()).isEqualTo("urn:pushsync:problem:unauthorized");
            assertThat(a.body().get("status").asInt()).isEqualTo(401);
            assertThat(a.text()).doesNotContain(APP_TOKEN);
        }
        assertThat(get("/v1/destinations").status()).isEqualTo(401);
        assertThat(get("/sandbox/xtremepush/requests").body().size()).isZero();
    }

    @Test
    void catalogOverRealHttp() throws Exception {
        Answer a = exchange(HttpRequest.newBuilder(uri("/v1/destinations/xtremepush"))
                .header("Authorization", "Bearer " + CALLER_TOKEN).GET().build());
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().get("type").asString()).isEqualTo("xtremepush");
        List<String> secret = new ArrayList<>();
        a.body().get("connection").forEach(f -> {
            if (f.get("secret").asBoolean()) {
                secret.add(f.get("name").asString());
            }
        });
        assertThat(secret).containsExactly("appToken", "clientSecret");
        // one kind of credentials: an app token, or an OAuth client id and secret
        assertThat(a.body().get("credentialKinds").toString())
                .isEqualTo("[[\"appToken\"],[\"clientId\",\"clientSecret\"]]");

        Answer unknown = exchange(HttpRequest.newBuilder(uri("/v1/destinations/nope"))
                .header("Authorization", "Bearer " + CALLER_TOKEN).GET().build());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
        assertThat(unknown.body().get("type").asString()).isEqualTo("urn:pushsync:problem:unknown-destination");
    }

    @Test
    void nonJsonBodyOverRealHttpIs415() throws Exception {
        Answer a = exchange(HttpRequest.newBuilder(uri("/v1/destinations/xtremepush/batches"))
                .header("Authorization", "Bearer " + CALLER_TOKEN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(example("xtremepush-profiles.json"))).build());
        assertThat(a.status()).isEqualTo(415);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.body().get("type").asString()).isEqualTo("urn:pushsync:problem:unsupported-media-type");
        assertThat(a.text()).doesNotContain(APP_TOKEN);
    }

    // ---------------------------------------------------------------- probes and metrics

    @Test
    void probesAnswerWithoutAToken() throws Exception {
        for (String probe : new String[] {"/actuator/health", "/actuator/health/liveness",
                "/actuator/health/readiness"}) {
            Answer a = get(probe);
            assertThat(a.status()).as(probe).isEqualTo(200);
            assertThat(a.body().get("status").asString()).as(probe).isEqualTo("UP");
        }
    }

    @Test
    void prometheusShowsRowCountersAfterABatch() throws Exception {
        Answer batch = postV1("/v1/destinations/xtremepush/batches",
                json.writeValueAsString(freshCopy("xtremepush-profiles.json")));
        assertThat(batch.status()).isEqualTo(200);
        double before = succeededProfileRows(get("/actuator/prometheus"));

        Answer again = postV1("/v1/destinations/xtremepush/batches",
                json.writeValueAsString(freshCopy("xtremepush-profiles.json")));
        assertThat(again.status()).isEqualTo(200);
        Answer metrics = get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.text()).contains("pushsync_rows_total{")
                .contains("pushsync_batch_seconds")
                .doesNotContain(APP_TOKEN)
                .doesNotContain("nightly-profiles")
                .doesNotContain("ada@example.com");
        assertThat(succeededProfileRows(metrics)).isEqualTo(before + 2);
    }

    static double succeededProfileRows(Answer metrics) {
        Pattern p = Pattern.compile("^pushsync_rows_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = p.matcher(metrics.text());
        while (m.find()) {
            String tags = m.group(1);
            if (tags.contains("destination=\"xtremepush\"") && tags.contains("object_type=\"user_profiles\"")
                    && tags.contains("status=\"succeeded\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no pushsync_rows_total for succeeded xtremepush user_profiles in\n"
                + metrics.text());
    }
}
