package io.pushsync.destination.xtremepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * A credential is bounded (visible ASCII, at most 512 characters): a 10 MB app token or client secret, which the JSON
 * reader lets through (it bounds the document, not one string), is a 400 naming the field, before any call to the
 * vendor (an app token would otherwise go with every chunk), and the answer never echoes the value.
 */
class XtremepushOversizedSecretsTest extends XtremepushWireMockSupport {

    private static final String MARK = "HUGE-SECRET-";
    private static final int TEN_MB = 10 * 1024 * 1024;

    /** A recognisable visible-ASCII value of {@code length} characters. */
    static String secretOf(int length) {
        StringBuilder s = new StringBuilder(length).append(MARK);
        while (s.length() < length) {
            s.append("q7Zx");
        }
        s.setLength(length);
        return s.toString();
    }

    private ObjectNode connectionWith(ObjectNode connection, String field, String value) {
        if (field.equals("appToken")) {
            connection.put("appToken", value);
        } else {
            connection.remove("appToken");
            connection.put("clientId", "client-42");
            connection.put("clientSecret", value);
        }
        return connection;
    }

    private MockHttpServletResponse post400(String path, ObjectNode body) throws Exception {
        return mvc.perform(post(path)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andReturn().getResponse();
    }

    private void assertRefused(MockHttpServletResponse response, String field) throws Exception {
        String answer = response.getContentAsString(StandardCharsets.UTF_8);
        assertThat(response.getStatus()).as(answer.length() > 2000 ? answer.substring(0, 2000) : answer)
                .isEqualTo(400);
        assertThat(answer).contains("/connection/" + field).contains("connection field '" + field + "' must match")
                .doesNotContain(MARK).doesNotContain("q7Zxq7Zx");
        assertThat(answer.length()).isLessThan(10_000);
        assertThat(wireMock.getAllServeEvents()).as("no call to the vendor").isEmpty();
        assertThat(usWireMock.getAllServeEvents()).as("no call to the vendor").isEmpty();
    }

    @ParameterizedTest(name = "{0} of {1} characters in a batch")
    @CsvSource({"appToken, 10485760", "clientSecret, 10485760", "appToken, 513", "clientSecret, 513"})
    void anOversizedCredentialInABatchIs400WithoutAVendorCall(String field, int length) throws Exception {
        ObjectNode body = profiles(profiles(3, "r"));
        connectionWith((ObjectNode) body.get("connection"), field, secretOf(length));
        assertRefused(post400("/v1/destinations/xtremepush/batches", body), field);
    }

    @ParameterizedTest(name = "{0} in a connection check")
    @CsvSource({"appToken", "clientSecret"})
    void anOversizedCredentialInAConnectionCheckIs400WithoutAVendorCall(String field) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode connection = body.putObject("connection");
        connection.put("region", "eu");
        connectionWith(connection, field, secretOf(TEN_MB));
        assertRefused(post400("/v1/destinations/xtremepush/connection-checks", body), field);
    }

    @ParameterizedTest(name = "{0} with a control character")
    @CsvSource({"appToken", "clientSecret"})
    void aCredentialWithAControlCharacterIs400(String field) throws Exception {
        ObjectNode body = profiles(profiles(1, "r"));
        connectionWith((ObjectNode) body.get("connection"), field, MARK + "abc\u0007def");
        assertRefused(post400("/v1/destinations/xtremepush/batches", body), field);
    }

    @ParameterizedTest(name = "{0} of 512 characters is still accepted")
    @CsvSource({"appToken"})
    void aCredentialOfTheLargestAllowedLengthIsAccepted(String field) throws Exception {
        ObjectNode body = profiles(profiles(1, "r"));
        connectionWith((ObjectNode) body.get("connection"), field, secretOf(512));
        assertThat(post400("/v1/destinations/xtremepush/batches", body).getStatus()).isEqualTo(200);
    }
}
