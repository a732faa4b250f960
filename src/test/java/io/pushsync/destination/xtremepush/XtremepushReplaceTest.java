package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mode: "replace"} on Xtremepush list members: each batch carries the list's whole audience, pushsync sends
 * only the difference to the snapshot it delivered last, and stores what the vendor took.
 */
class XtremepushReplaceTest extends XtremepushWireMockSupport {

    private static final String CREATED = "created";

    private ObjectNode audience(long listId, String... identifiers) {
        List<ObjectNode> rows = new ArrayList<>();
        for (String identifier : identifiers) {
            rows.add(member("row-" + identifier, null, identifier));
        }
        return batch("list_members", "replace", listOptions(listId), rows);
    }

    private void vendorTakesEverything() {
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).willReturn(okJson(envelope(200, "ok"))));
    }

    /** The items of each list request, by mode ({@code create} adds, {@code delete} removes). */
    private Map<String, List<String>> itemsByMode() {
        Map<String, List<String>> byMode = new HashMap<>();
        for (LoggedRequest request : requestsTo(LIST_PATH)) {
            JsonNode body = bodyOf(request);
            List<String> items = byMode.computeIfAbsent(body.get("mode").asString(), m -> new ArrayList<>());
            body.get("items").forEach(n -> items.add(n.asString()));
        }
        return byMode;
    }

    private static List<String> statuses(JsonNode response) {
        List<String> out = new ArrayList<>();
        response.get("results").forEach(r -> out.add(r.get("status").asString()
                + (r.has("error") ? ":" + r.get("error").get("code").asString() : "")));
        return out;
    }

    @Test
    void theFirstSnapshotAddsEveryMemberAndRemovesNone() throws Exception {
        vendorTakesEverything();

        JsonNode response = postBatch(audience(101, "a@example.com", "b@example.com", "user-3"));

        assertThat(response.get("snapshot").asString()).isEqualTo(CREATED);
        assertThat(statuses(response)).containsExactly("succeeded", "succeeded", "succeeded");
        assertThat(response.get("removed")).isEmpty();
        assertThat(response.get("summary").get("removed").asInt()).isZero();
        assertThat(itemsByMode()).containsOnlyKeys("create");
        assertThat(itemsByMode().get("create")).containsExactly("a@example.com", "b@example.com", "user-3");
        assertThat(bodyOf(requestsTo(LIST_PATH).get(0)).get("id").asLong()).isEqualTo(101L);
    }

    @Test
    void aChangedSnapshotSendsExactlyTheDifference() throws Exception {
        vendorTakesEverything();
        postBatch(audience(102, "a@example.com", "b@example.com", "user-3"));
        wireMock.resetRequests();

        JsonNode response = postBatch(audience(102, "b@example.com", "user-3", "new@example.com", "user-5"));

        assertThat(response.get("snapshot").asString()).isEqualTo("updated");
        assertThat(statuses(response)).containsExactly("skipped:unchanged", "skipped:unchanged", "succeeded",
                "succeeded");
        assertThat(itemsByMode().get("create")).containsExactlyInAnyOrder("new@example.com", "user-5");
        assertThat(itemsByMode().get("delete")).containsExactly("a@example.com");
        assertThat(response.get("removed")).hasSize(1);
        assertThat(response.get("removed").get(0).get("identifier").asString()).isEqualTo("a@example.com");
        assertThat(response.get("removed").get(0).get("status").asString()).isEqualTo("succeeded");
        assertThat(response.get("summary").get("removed").asInt()).isEqualTo(1);
        assertThat(response.get("summary").get("skipped").asInt()).isEqualTo(2);
        assertThat(response.get("summary").get("received").asInt()).isEqualTo(4);
    }

    @Test
    void anUnchangedSnapshotWritesNothingToTheVendor() throws Exception {
        vendorTakesEverything();
        postBatch(audience(103, "a@example.com", "b@example.com"));
        wireMock.resetRequests();

        JsonNode response = postBatch(audience(103, "b@example.com", "a@example.com"));

        assertThat(countRequests()).isZero();
        assertThat(statuses(response)).containsExactly("skipped:unchanged", "skipped:unchanged");
        assertThat(response.get("summary").get("removed").asInt()).isZero();
    }

    @Test
    void aMemberNamedTwiceIsSentOnce() throws Exception {
        vendorTakesEverything();

        JsonNode response = postBatch(batch("list_members", "replace", listOptions(104), List.of(
                member("r1", null, "a@example.com"), member("r2", null, " a@example.com "))));

        assertThat(statuses(response)).containsExactly("succeeded", "skipped:unchanged");
        assertThat(itemsByMode().get("create")).containsExactly("a@example.com");
    }

    @Test
    void aMemberIsTheVendorsReadingOfItAndARowNamingNoneFailsAlone() throws Exception {
        vendorTakesEverything();
        postBatch(audience(112, "Ann@Example.com", "user-1"));
        wireMock.resetRequests();
        ObjectNode bad = member("r-bad", null, "x");
        ((ObjectNode) bad.get("fields")).put("identifier", true);

        JsonNode response = postBatch(batch("list_members", "replace", listOptions(112), List.of(
                member("r1", null, " ann@example.com "), member("r2", null, "user-1"), bad)));

        assertThat(statuses(response)).containsExactly("skipped:unchanged", "skipped:unchanged",
                "failed:invalid_field");
        assertThat(countRequests()).isZero();
    }

    @Test
    void anAdditionTheVendorRefusedIsSentAgainByTheNextRunAndARefusedRemovalStays() throws Exception {
        vendorTakesEverything();
        postBatch(audience(105, "keep@example.com", "old@example.com"));
        wireMock.resetAll();
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).willReturn(aResponse().withStatus(500)
                .withBody(envelope(500, "down"))));

        JsonNode failed = postBatch(audience(105, "keep@example.com", "new@example.com"));

        assertThat(statuses(failed)).containsExactly("skipped:unchanged", "failed:destination_unavailable");
        assertThat(failed.get("removed").get(0).get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("summary").get("removed").asInt()).isZero();

        wireMock.resetAll();
        vendorTakesEverything();
        JsonNode retried = postBatch(audience(105, "keep@example.com", "new@example.com"));

        assertThat(statuses(retried)).containsExactly("skipped:unchanged", "succeeded");
        assertThat(itemsByMode().get("create")).containsExactly("new@example.com");
        assertThat(itemsByMode().get("delete")).containsExactly("old@example.com");
        assertThat(retried.get("summary").get("removed").asInt()).isEqualTo(1);
    }

    @Test
    void anotherListOrAnotherAccountHasASnapshotOfItsOwn() throws Exception {
        vendorTakesEverything();
        postBatch(audience(106, "a@example.com"));

        JsonNode otherList = postBatch(audience(107, "b@example.com"));
        ObjectNode otherAccount = audience(106, "b@example.com");
        ((ObjectNode) otherAccount.get("connection")).put("appToken", "another-token-of-another-project");
        JsonNode otherAccountResponse = postBatch(otherAccount);

        assertThat(otherList.get("snapshot").asString()).isEqualTo(CREATED);
        assertThat(otherAccountResponse.get("snapshot").asString()).isEqualTo(CREATED);
        assertThat(otherAccountResponse.get("removed")).isEmpty();
    }

    @Test
    void aSecondReplaceOfTheSameTargetWhileTheFirstRunsIsRefusedWith409() throws Exception {
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).withRequestBody(containing("slow@example.com"))
                .willReturn(okJson(envelope(200, "ok")).withFixedDelay(1500)));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return postBatchRaw(audience(108, "slow@example.com"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (requestsTo(LIST_PATH).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(requestsTo(LIST_PATH)).as("the first replace reached the vendor").hasSize(1);

        MvcResult second = mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/xtremepush/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(audience(108, "other@example.com"))))
                .andExpect(status().isConflict()).andReturn();

        JsonNode problem = JSON.readTree(second.getResponse().getContentAsString(StandardCharsets.UTF_8));
        assertThat(problem.get("type").asString()).isEqualTo("urn:pushsync:problem:snapshot-busy");
        assertThat(JSON.readTree(first.get(10, TimeUnit.SECONDS)).get("snapshot").asString()).isEqualTo(CREATED);
        assertThat(requestsTo(LIST_PATH)).hasSize(1);
    }

    @Test
    void forgettingTheSnapshotMakesTheNextReplaceStartAfresh() throws Exception {
        vendorTakesEverything();
        postBatch(audience(109, "a@example.com"));
        ObjectNode target = JSON.createObjectNode();
        target.set("connection", audience(109).get("connection"));
        target.put("objectType", "list_members");
        target.set("options", listOptions(109));

        String forgotten = forget(target);
        String again = forget(target);
        wireMock.resetRequests();
        JsonNode response = postBatch(audience(109, "b@example.com"));

        assertThat(JSON.readTree(forgotten).get("forgotten").asBoolean()).isTrue();
        assertThat(JSON.readTree(again).get("forgotten").asBoolean()).isFalse();
        assertThat(response.get("snapshot").asString()).isEqualTo(CREATED);
        assertThat(itemsByMode()).containsOnlyKeys("create");
    }

    @Test
    void aReplaceRowCarriesOnlyItsMemberAndNoChange() throws Exception {
        ObjectNode row = member("r1", "added", "a@example.com");
        ((ObjectNode) row.get("fields")).put("first_name", "Ann");
        ObjectNode noList = batch("list_members", "replace", null, List.of(member("r2", null, "b@example.com")));

        String problem = mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/xtremepush/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(batch("list_members", "replace", listOptions(110),
                                List.of(row)))))
                .andExpect(status().isBadRequest()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        String noListProblem = mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/xtremepush/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(noList)))
                .andExpect(status().isBadRequest()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);

        assertThat(problem).contains("/rows/0/change").contains("/rows/0/fields/first_name");
        assertThat(noListProblem).contains("/options/listId");
        assertThat(countRequests()).isZero();
    }

    // ---- dry runs ----

    @Test
    void aDryRunPlansTheDifferenceSendsNothingAndLeavesTheSnapshotAsItWas() throws Exception {
        vendorTakesEverything();
        postBatch(audience(113, "a@example.com", "b@example.com"));
        wireMock.resetRequests();
        ObjectNode dry = audience(113, "b@example.com", "c@example.com");
        dry.put("dryRun", true);

        JsonNode planned = postBatch(dry);

        assertThat(countRequests()).isZero();
        assertThat(statuses(planned)).containsExactly("skipped:unchanged", "planned");
        assertThat(planned.get("results").get(1).get("action").asString()).isEqualTo("add");
        assertThat(planned.get("removed").toString()).isEqualTo(
                "[{\"identifier\":\"a@example.com\",\"status\":\"planned\",\"action\":\"remove\"}]");
        assertThat(planned.get("summary").get("planned").asInt()).isEqualTo(1);
        assertThat(planned.get("summary").get("removed").asInt()).isEqualTo(1);
        assertThat(planned.get("plan").get("requests").asInt()).isEqualTo(2);
        assertThat(planned.get("snapshot").asString()).isEqualTo("updated");
        assertThat(planned.toString()).doesNotContain(APP_TOKEN);

        // the dry run changed nothing: the real run with the same ids sends that same difference
        dry.remove("dryRun");
        JsonNode real = postBatch(dry);
        assertThat(statuses(real)).containsExactly("skipped:unchanged", "succeeded");
        assertThat(itemsByMode().get("create")).containsExactly("c@example.com");
        assertThat(itemsByMode().get("delete")).containsExactly("a@example.com");
        assertThat(requestsTo(LIST_PATH)).hasSize(planned.get("plan").get("requests").asInt());
    }

    @Test
    void aDryRunOfAFirstReplaceSaysTheSnapshotWouldBeCreatedAndCreatesNone() throws Exception {
        ObjectNode dry = audience(114, "a@example.com");
        dry.put("dryRun", true);

        JsonNode planned = postBatch(dry);
        dry.remove("dryRun");
        JsonNode real = postBatch(dry);

        assertThat(planned.get("snapshot").asString()).isEqualTo(CREATED);
        assertThat(real.get("snapshot").asString()).isEqualTo(CREATED);
        assertThat(requestsTo(LIST_PATH)).hasSize(1);
    }

    @Test
    void aDryRunJobOfAReplacePlansItsRemovalsAndSendsNothing() throws Exception {
        vendorTakesEverything();
        postBatch(audience(115, "a@example.com", "b@example.com", "c@example.com"));
        wireMock.resetRequests();
        ObjectNode dry = audience(115, "c@example.com", "d@example.com");
        dry.put("dryRun", true);

        JsonNode status = runJob(dry);

        assertThat(countRequests()).isZero();
        assertThat(status.get("state").asString()).isEqualTo("completed");
        assertThat(status.get("summary").get("planned").asInt()).isEqualTo(1);
        assertThat(status.get("summary").get("skipped").asInt()).isEqualTo(1);
        assertThat(status.get("summary").get("removed").asInt()).isEqualTo(2);
        assertThat(status.get("plan").get("requests").asInt()).isEqualTo(2);
        JsonNode removed = get("/v1/jobs/" + status.get("jobId").asString() + "/removed");
        List<String> planned = new ArrayList<>();
        removed.get("removed").forEach(r -> planned.add(r.get("identifier").asString() + ":"
                + r.get("status").asString() + ":" + r.get("action").asString()));
        assertThat(planned).containsExactlyInAnyOrder("a@example.com:planned:remove", "b@example.com:planned:remove");

        JsonNode unchanged = postBatch(audience(115, "a@example.com", "b@example.com", "c@example.com"));
        assertThat(statuses(unchanged)).containsOnly("skipped:unchanged");
    }

    // ---- jobs ----

    private JsonNode get(String path) throws Exception {
        return JSON.readTree(mvc.perform(MockMvcRequestBuilders.get(path)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    /** Submits a replace job and returns its final status. */
    private JsonNode runJob(ObjectNode body) throws Exception {
        String jobId = JSON.readTree(mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/xtremepush/jobs")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andExpect(status().isAccepted()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8)).get("jobId").asString();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode status = get("/v1/jobs/" + jobId);
        while (!List.of("completed", "cancelled", "interrupted").contains(status.get("state").asString())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = get("/v1/jobs/" + jobId);
        }
        return status;
    }

    @Test
    void aReplaceJobWaitsForTheReplaceRunningOnItsTargetAndThenComparesWithItsSnapshot() throws Exception {
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).willReturn(okJson(envelope(200, "ok")).withFixedDelay(1500)));
        CompletableFuture<String> batch = CompletableFuture.supplyAsync(() -> {
            try {
                return postBatchRaw(audience(116, "first@example.com"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (requestsTo(LIST_PATH).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        JsonNode job = runJob(audience(116, "second@example.com"));

        assertThat(JSON.readTree(batch.get(10, TimeUnit.SECONDS)).get("snapshot").asString()).isEqualTo(CREATED);
        assertThat(job.get("state").asString()).isEqualTo("completed");
        assertThat(job.get("snapshot").asString()).as("the job compared with the batch's snapshot")
                .isEqualTo("updated");
        assertThat(job.get("summary").get("removed").asInt()).isEqualTo(1);
        assertThat(itemsByMode().get("delete")).containsExactly("first@example.com");
    }

    @Test
    void aReplaceJobSendsTheDifferenceAndPagesItsRemovals() throws Exception {
        vendorTakesEverything();
        String[] first = new String[2_500];
        for (int i = 0; i < first.length; i++) {
            first[i] = "user-" + i;
        }
        JsonNode created = runJob(audience(111, first));
        assertThat(created.get("snapshot").asString()).isEqualTo(CREATED);
        assertThat(created.get("summary").get("succeeded").asInt()).isEqualTo(2_500);
        wireMock.resetRequests();

        // users 0..1199 leave, 2500..2599 join
        List<String> second = new ArrayList<>();
        for (int i = 1_200; i < 2_600; i++) {
            second.add("user-" + i);
        }
        JsonNode updated = runJob(audience(111, second.toArray(String[]::new)));

        String jobId = updated.get("jobId").asString();
        assertThat(updated.get("state").asString()).isEqualTo("completed");
        assertThat(updated.get("snapshot").asString()).isEqualTo("updated");
        assertThat(updated.get("summary").get("succeeded").asInt()).isEqualTo(100);
        assertThat(updated.get("summary").get("skipped").asInt()).isEqualTo(1_300);
        assertThat(updated.get("summary").get("removed").asInt()).isEqualTo(1_200);
        Map<String, List<String>> sent = itemsByMode();
        assertThat(sent.get("create")).hasSize(100).allMatch(id -> Integer.parseInt(id.substring(5)) >= 2_500);
        assertThat(sent.get("delete")).hasSize(1_200).doesNotHaveDuplicates()
                .allMatch(id -> Integer.parseInt(id.substring(5)) < 1_200);

        JsonNode page1 = get("/v1/jobs/" + jobId + "/removed?limit=1000");
        JsonNode page2 = get("/v1/jobs/" + jobId + "/removed?offset=1000&limit=1000");
        assertThat(page1.get("total").asInt()).isEqualTo(1_200);
        assertThat(page1.get("removed")).hasSize(1_000);
        assertThat(page1.get("nextOffset").asInt()).isEqualTo(1_000);
        assertThat(page2.get("removed")).hasSize(200);
        assertThat(page2.has("nextOffset")).isFalse();
        List<String> listed = new ArrayList<>();
        page1.get("removed").forEach(r -> listed.add(r.get("identifier").asString()));
        page2.get("removed").forEach(r -> listed.add(r.get("identifier").asString()));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(sent.get("delete"));
        page1.get("removed").forEach(r -> assertThat(r.get("status").asString()).isEqualTo("succeeded"));

        wireMock.resetRequests();
        JsonNode unchanged = runJob(audience(111, second.toArray(String[]::new)));
        assertThat(unchanged.get("summary").get("skipped").asInt()).isEqualTo(1_400);
        assertThat(unchanged.get("summary").get("removed").asInt()).isZero();
        assertThat(countRequests()).isZero();
    }

    private String forget(ObjectNode target) throws Exception {
        return mvc.perform(MockMvcRequestBuilders.delete("/v1/destinations/xtremepush/snapshots")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(target)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }
}
