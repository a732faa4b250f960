package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OAuth access token travelling in the body ({@code token-travels: body}) is known only when a chunk is sent:
 * chunks are cut with 2 KB kept for it, and a 3,000-character token still makes bodies too large. Those are split
 * before they are sent, so no body passes {@code max-chunk-bytes=8KB} and every row gets its result; a row that does
 * not fit with the token fails alone.
 */
@TestPropertySource(properties = {
        "pushsync.xtremepush.max-chunk-bytes=8KB",
        "pushsync.xtremepush.oauth.token-travels=body",
})
class XtremepushChunkBytesOAuthBodyTest extends XtremepushWireMockSupport {

    private static final int MAX = 8192;
    private static final String TOKEN = "T".repeat(3000);

    private final String clientId = "client-" + UUID.randomUUID();

    @BeforeEach
    void vendor() {
        wireMock.stubFor(post(urlEqualTo("/api/oauth/token")).willReturn(okJson("{\"access_token\": \"" + TOKEN
                + "\", \"token_type\": \"Bearer\", \"expires_in\": 3600}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
    }

    private ObjectNode oauth(ObjectNode batch) {
        ObjectNode connection = (ObjectNode) batch.get("connection");
        connection.remove("appToken");
        connection.put("clientId", clientId);
        connection.put("clientSecret", "xp-client-secret");
        return batch;
    }

    private static ObjectNode wide(String id, String userId, int length) {
        ObjectNode row = profile(id, userId);
        ((ObjectNode) row.get("fields")).put("first_name", "x".repeat(length));
        return row;
    }

    @Test
    void bodiesTooLargeWithTheRealTokenAreSplitBeforeTheyAreSent() throws Exception {
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            rows.add(wide("r" + i, "u-" + i, 1000));
        }

        JsonNode response = postBatch(oauth(profiles(rows)));

        assertAllSucceeded(response);
        List<LoggedRequest> requests = requestsTo(PROFILE_PATH);
        int sent = 0;
        for (LoggedRequest request : requests) {
            assertThat(request.getBody().length).as("a request body's bytes").isLessThanOrEqualTo(MAX);
            JsonNode body = bodyOf(request);
            assertThat(body.get("apptoken").asString()).isEqualTo(TOKEN);
            sent += body.get("rows").size();
        }
        assertThat(sent).as("every row sent once").isEqualTo(24);
        assertThat(requests).anySatisfy(r -> assertThat(bodyOf(r).get("rows").size()).isGreaterThanOrEqualTo(2));
    }

    @Test
    void aRowThatFitsOnlyWithoutTheTokenFailsAlone() throws Exception {
        List<ObjectNode> rows = List.of(wide("r0", "u-0", 100), wide("r1", "u-1", 6500), wide("r2", "u-2", 100));

        JsonNode response = postBatch(oauth(profiles(rows)));

        JsonNode results = response.get("results");
        assertSucceeded(results.get(0));
        assertFailed(results.get(1), "invalid_field", false);
        assertThat(results.get(1).at("/error/message").asString())
                .contains("pushsync.xtremepush.max-chunk-bytes (8192 bytes)");
        assertSucceeded(results.get(2));
        for (LoggedRequest request : requestsTo(PROFILE_PATH)) {
            assertThat(request.getBody().length).isLessThanOrEqualTo(MAX);
            assertThat(FakeXtremepush.userIds(bodyOf(request))).doesNotContain("u-1");
        }
    }
}
