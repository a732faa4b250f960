package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.pushsync.testsupport.BatchAssertions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pushsync.xtremepush.oauth.client-authentication=basic}: the token request carries the client's id and secret
 * as HTTP Basic (each form-encoded first, RFC 6749 2.3.1) and its form body only the grant.
 */
@TestPropertySource(properties = "pushsync.xtremepush.oauth.client-authentication=basic")
class XtremepushOAuthBasicTest extends XtremepushWireMockSupport {

    static final String TOKEN_PATH = "/api/oauth/token";
    static final String CLIENT_ID = "basic-client";
    /** Characters that form encoding changes: ':' would otherwise end the id in the Basic pair. */
    static final String SECRET = "s3cr:et+&=";
    /** base64("basic-client:s3cr%3Aet%2B%26%3D"), worked out by hand, not by the code under test. */
    static final String EXPECTED_AUTHORIZATION = "Basic YmFzaWMtY2xpZW50OnMzY3IlM0FldCUyQiUyNiUzRA==";

    @Test
    void theTokenRequestSendsTheClientAsHttpBasicAndOnlyTheGrantInItsBody() throws Exception {
        wireMock.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(okJson(
                "{\"access_token\": \"basic-issued-TOKEN\", \"token_type\": \"Bearer\", \"expires_in\": 3600}")));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson("{\"code\":200,\"success\":true}")));
        ObjectNode batch = profiles(profiles(3, "r"));
        ObjectNode connection = (ObjectNode) batch.get("connection");
        connection.remove("appToken");
        connection.put("clientId", CLIENT_ID);
        connection.put("clientSecret", SECRET);

        String raw = postBatchRaw(batch);

        BatchAssertions.assertAllSucceeded(JSON.readTree(raw));
        assertThat(raw).doesNotContain(SECRET).doesNotContain("basic-issued-TOKEN");
        List<LoggedRequest> tokenRequests = wireMock.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH)));
        assertThat(tokenRequests).hasSize(1);
        LoggedRequest token = tokenRequests.get(0);
        assertThat(token.getHeaders().getHeader("Authorization").values()).containsExactly(EXPECTED_AUTHORIZATION);
        assertThat(token.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(token.getBodyAsString()).isEqualTo("grant_type=client_credentials");
        // the token itself travels as usual
        wireMock.verify(1, postRequestedFor(urlEqualTo(PROFILE_PATH))
                .withHeader("Authorization", equalTo("Bearer basic-issued-TOKEN"))
                .withRequestBody(matchingJsonPath("$.apptoken", absent())));
    }
}
