package io.pushsync.destination.cleverpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.node.ObjectNode;

/**
 * A 10 MB {@code apiKey} (which the JSON reader lets through: it bounds the document, not one string) is a 400 naming
 * the field, before any call to CleverPush (the key is a header of every call), and the answer never echoes it.
 */
class CleverPushOversizedSecretsTest extends CleverPushWireMockSupport {

    private static final String MARK = "HUGE-SECRET-";

    static String secretOf(int length) {
        StringBuilder s = new StringBuilder(length).append(MARK);
        while (s.length() < length) {
            s.append("q7Zx");
        }
        s.setLength(length);
        return s.toString();
    }

    private MockHttpServletResponse post(String path, ObjectNode body) throws Exception {
        return mvc.perform(MockMvcRequestBuilders.post(path)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andReturn().getResponse();
    }

    @ParameterizedTest(name = "apiKey of {0} characters")
    @ValueSource(ints = {10 * 1024 * 1024, 513})
    void anOversizedApiKeyIs400WithoutAVendorCall(int length) throws Exception {
        String channel = freshChannel("huge");
        ObjectNode body = batch("subscriptions", "upsert", channel, subscriptions(3, "r"));
        ((ObjectNode) body.get("connection")).put("apiKey", secretOf(length));
        ObjectNode check = JSON.createObjectNode();
        check.set("connection", body.get("connection").deepCopy());
        for (String path : new String[] {"/v1/destinations/cleverpush/batches",
                "/v1/destinations/cleverpush/connection-checks"}) {
            MockHttpServletResponse response = post(path, path.endsWith("batches") ? body : check);
            String answer = response.getContentAsString(StandardCharsets.UTF_8);
            assertThat(response.getStatus()).as(path).isEqualTo(400);
            assertThat(answer).as(path).contains("/connection/apiKey")
                    .contains("connection field 'apiKey' must match").doesNotContain(MARK).doesNotContain("q7Zxq7Zx");
            assertThat(answer.length()).isLessThan(10_000);
        }
        assertThat(wireMock.getAllServeEvents()).as("no call to CleverPush").isEmpty();
    }
}
