package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code max-chunk-bytes=2KB}: profile and list chunks are cut by their rows' sizes so that no request body is larger
 * than 2,048 bytes, every row gets its result, and a row that would make a larger body on its own fails alone.
 */
@TestPropertySource(properties = "pushsync.xtremepush.max-chunk-bytes=2KB")
class XtremepushChunkBytesTest extends XtremepushWireMockSupport {

    private static final int MAX = 2048;

    @BeforeEach
    void vendorAcceptsEverything() {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(5).willReturn(okJson(envelope(200, "ok"))));
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).atPriority(5).willReturn(okJson(envelope(200, "ok"))));
    }

    /** A profile row whose {@code first_name} is {@code length} x's. */
    private static ObjectNode wide(String id, String userId, int length) {
        ObjectNode row = profile(id, userId);
        ((ObjectNode) row.get("fields")).put("first_name", "x".repeat(length));
        return row;
    }

    /** The bytes of a profile body with these columns and no rows, as the vendor receives it. */
    private static int profileEnvelope(String... columns) {
        ObjectNode body = JSON.createObjectNode();
        body.put("apptoken", APP_TOKEN);
        ArrayNode cols = body.putArray("columns");
        for (String c : columns) {
            cols.add(c);
        }
        body.putArray("rows");
        return JSON.writeValueAsBytes(body).length;
    }

    /** The bytes of {@code ["<userId>","xxx..."]}. */
    private static int profileRow(String userId, int nameLength) {
        ArrayNode row = JSON.createArrayNode().add(userId).add("x".repeat(nameLength));
        return JSON.writeValueAsBytes(row).length;
    }

    private List<String> sentUserIds(List<LoggedRequest> requests) {
        List<String> ids = new ArrayList<>();
        for (LoggedRequest request : requests) {
            ids.addAll(FakeXtremepush.userIds(bodyOf(request)));
        }
        return ids;
    }

    private static void assertEveryBodyWithinTheBound(List<LoggedRequest> requests) {
        for (LoggedRequest request : requests) {
            assertThat(request.getBody().length).as("a request body's bytes").isLessThanOrEqualTo(MAX);
        }
    }

    @Test
    void aBatchFarLargerThanTheBoundGoesInManyBodiesNoneOfThemLargerThanTheBound() throws Exception {
        int n = 300;
        List<ObjectNode> rows = new ArrayList<>(n);
        long rowBytes = 0;
        for (int i = 0; i < n; i++) {
            int length = 400 + (i % 7) * 50; // 400..700 characters: two or three rows to a body
            rows.add(wide("r" + i, "u-" + i, length));
            rowBytes += profileRow("u-" + i, length);
        }
        assertThat(rowBytes).as("the rows alone").isGreaterThan(50L * MAX);

        JsonNode response = postBatch(profiles(rows));

        assertAllSucceeded(response);
        List<LoggedRequest> requests = requestsTo(PROFILE_PATH);
        assertEveryBodyWithinTheBound(requests);
        assertThat(requests.size()).as("requests").isGreaterThan((int) (rowBytes / MAX));
        for (LoggedRequest request : requests) {
            // cut by size, not one row to a request: two rows of at most ~730 bytes always fit in 2KB
            assertThat(bodyOf(request).get("rows").size()).as("rows of a request").isGreaterThanOrEqualTo(2);
        }
        List<String> sent = sentUserIds(requests);
        assertThat(sent).as("every row sent once").hasSize(n)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, n).mapToObj(i -> "u-" + i).toList());
    }

    @Test
    void aChunkIsCutWhereTheNextRowWouldPassTheBound() throws Exception {
        int envelope = profileEnvelope("user_id", "first_name");
        // three rows of exactly a third of the room each (commas included) fill a body to 2,048 bytes; a fourth goes on
        int third = (MAX - envelope - 2) / 3;
        int length = third - profileRow("u-0", 0);
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(wide("r" + i, "u-" + i, length));
        }

        JsonNode response = postBatch(profiles(rows));

        assertAllSucceeded(response);
        List<LoggedRequest> requests = requestsTo(PROFILE_PATH);
        assertThat(requests).hasSize(2); // two chunks in flight: either may arrive first
        LoggedRequest full = requests.stream().filter(r -> bodyOf(r).get("rows").size() == 3).findFirst()
                .orElseThrow();
        assertThat(full.getBody().length).isEqualTo(envelope + 3 * third + 2).isLessThanOrEqualTo(MAX);
        assertThat(FakeXtremepush.userIds(bodyOf(full))).containsExactly("u-0", "u-1", "u-2");
        assertThat(sentUserIds(requests)).containsExactlyInAnyOrder("u-0", "u-1", "u-2", "u-3");
    }

    @Test
    void aRowThatAloneMakesABodyLargerThanTheBoundFailsAloneAndItsNeighboursAreSent() throws Exception {
        int envelope = profileEnvelope("user_id", "first_name");
        int fits = MAX - envelope - profileRow("u-fits", 0); // a body of exactly 2,048 bytes
        List<ObjectNode> rows = List.of(wide("r0", "u-0", 500), wide("r1", "u-huge", fits + 1),
                wide("r2", "u-2", 500), wide("r3", "u-fits", fits), wide("r4", "u-4", 10_000), wide("r5", "u-5", 10));

        JsonNode response = postBatch(profiles(rows));

        JsonNode results = response.get("results");
        for (int i : new int[] {1, 4}) {
            assertFailed(results.get(i), "invalid_field", false);
            assertThat(results.get(i).at("/error/message").asString())
                    .contains("pushsync.xtremepush.max-chunk-bytes (2048 bytes)");
        }
        assertThat(results.get(1).at("/error/message").asString()).contains("body of 2049 bytes");
        for (int i : new int[] {0, 2, 3, 5}) {
            assertSucceeded(results.get(i));
        }
        List<LoggedRequest> requests = requestsTo(PROFILE_PATH);
        assertEveryBodyWithinTheBound(requests);
        assertThat(sentUserIds(requests)).containsExactlyInAnyOrder("u-0", "u-2", "u-fits", "u-5");
        assertThat(requests).anySatisfy(r -> assertThat(r.getBody().length).isEqualTo(MAX));
    }

    @Test
    void rowsTheVendorRejectsAreStillIsolatedInChunksCutBySize() throws Exception {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).withRequestBody(containing("u-reject"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(envelope(400, "user_id refused"))));
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rows.add(wide("r" + i, i == 7 ? "u-reject" : "u-" + i, 450));
        }

        JsonNode response = postBatch(profiles(rows));

        JsonNode results = response.get("results");
        for (int i = 0; i < 12; i++) {
            if (i == 7) {
                assertFailed(results.get(i), "rejected_by_destination", false);
            } else {
                assertSucceeded(results.get(i));
            }
        }
        assertEveryBodyWithinTheBound(requestsTo(PROFILE_PATH));
    }

    @Test
    void listMembersAreCutBySizeAndAnIdentifierTooLargeFailsAlone() throws Exception {
        List<ObjectNode> rows = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String identifier = "user-" + i + "-" + "y".repeat(300);
            rows.add(member("m" + i, null, identifier));
            expected.add(identifier);
        }
        rows.add(member("m-huge", null, "z".repeat(MAX)));

        JsonNode response = postBatch(batch("list_members", "add", listOptions(7), rows));

        JsonNode results = response.get("results");
        for (int i = 0; i < 30; i++) {
            assertSucceeded(results.get(i));
        }
        assertFailed(results.get(30), "invalid_field", false);
        assertThat(results.get(30).at("/error/message").asString()).contains("pushsync.xtremepush.max-chunk-bytes");
        List<LoggedRequest> requests = requestsTo(LIST_PATH);
        assertEveryBodyWithinTheBound(requests);
        assertThat(requests.size()).as("requests").isGreaterThan(30 * 300 / MAX);
        Set<String> sent = new HashSet<>();
        int items = 0;
        for (LoggedRequest request : requests) {
            for (JsonNode item : bodyOf(request).get("items")) {
                sent.add(item.asString());
                items++;
            }
        }
        assertThat(items).isEqualTo(30);
        assertThat(sent).isEqualTo(expected);
    }
}
