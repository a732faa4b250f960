package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultMatcher;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /v1/destinations/cleverpush/connection-checks}: the channel preflight on its own. */
class CleverPushConnectionCheckTest extends CleverPushWireMockSupport {

    private String check(String channelId, ResultMatcher expected) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode connection = body.putObject("connection");
        connection.put("channelId", channelId);
        connection.put("apiKey", API_KEY);
        String raw = mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/cleverpush/connection-checks")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andExpect(expected)
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(raw).doesNotContain(API_KEY);
        return raw;
    }

    @Test
    void a200IsOk() throws Exception {
        JsonNode answer = JSON.readTree(check("chanOk", status().isOk()));

        assertThat(answer.get("ok").asBoolean()).isTrue();
        assertThat(answer.has("error") && !answer.get("error").isNull()).isFalse();
        wireMock.verify(1, getRequestedFor(urlEqualTo("/channel/chanOk/tags"))
                .withHeader("Authorization", equalTo(API_KEY)));
        assertThat(rowCalls()).isZero();
    }

    @Test
    void a401IsAuthFailed() throws Exception {
        wireMock.stubFor(get(urlEqualTo("/channel/chanBadKey/tags"))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"Invalid API key " + API_KEY + "\"}")));

        JsonNode answer = JSON.readTree(check("chanBadKey", status().isOk()));

        assertThat(answer.get("ok").asBoolean()).isFalse();
        assertThat(answer.get("error").get("code").asString()).isEqualTo("destination_auth_failed");
        assertThat(answer.get("error").get("message").asString()).contains("401", "Invalid API key");
        // not retried
        assertThat(wireMock.findAll(getRequestedFor(urlEqualTo("/channel/chanBadKey/tags")))).hasSize(1);
    }

    @Test
    void a404IsNotFound() throws Exception {
        wireMock.stubFor(get(urlEqualTo("/channel/chanGone/tags"))
                .willReturn(aResponse().withStatus(404).withBody("{\"error\":\"Channel not found\"}")));

        JsonNode answer = JSON.readTree(check("chanGone", status().isOk()));

        assertThat(answer.get("ok").asBoolean()).isFalse();
        assertThat(answer.get("error").get("code").asString()).isEqualTo("destination_not_found");
        assertThat(answer.get("error").get("message").asString()).contains("Channel not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chan/other", "chan nel", "../admin", "chan?x=1"})
    void aChannelIdThatIsNotAPathSegmentIsA400ProblemAndNoCall(String channelId) throws Exception {
        JsonNode problem = JSON.readTree(check(channelId, status().isBadRequest()));

        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("errors").toString()).contains("/connection/channelId", "must match");
        assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void aBatchWithABadChannelIdIsA400ProblemToo() throws Exception {
        ObjectNode body = batch("subscriptions", "upsert", "chan/x", subscriptions(1, "r"));
        mvc.perform(MockMvcRequestBuilders.post("/v1/destinations/cleverpush/batches")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        assertThat(wireMock.getAllServeEvents()).isEmpty();
    }
}
