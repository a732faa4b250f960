package io.pushsync;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;
import org.wiremock.spring.WireMockConfigurationCustomizer;

/**
 * {@code pushsync.phone-numbers.validation=valid} is in force in both adapters: the UK drama-range number of
 * Xtremepush's own examples, possible but not valid, fails {@code invalid_phone_number} before any vendor call (the
 * row's sync call (Xtremepush's base URL leads nowhere; CleverPush only answers its channel check).
 */
@SpringBootTest(properties = {
        "pushsync.api-tokens=" + PhoneNumberValidationInForceTest.TOKEN,
        "pushsync.phone-numbers.validation=valid",
        "pushsync.xtremepush.regions.eu.base-url=http://127.0.0.1:1",
        "pushsync.cleverpush.base-url=http://127.0.0.1:${test.cleverpush-mock.port}"})
@AutoConfigureMockMvc
@EnableWireMock(@ConfigureWireMock(name = "cleverpush", portProperties = "test.cleverpush-mock.port",
        configurationCustomizers = PhoneNumberValidationInForceTest.Loopback.class))
class PhoneNumberValidationInForceTest {

    static final String TOKEN = "phone-mode-token";

    /** Binds WireMock to the loopback address only. */
    public static class Loopback implements WireMockConfigurationCustomizer {
        @Override
        public void customize(WireMockConfiguration configuration, ConfigureWireMock options) {
            configuration.bindAddress("127.0.0.1");
        }
    }

    @Autowired
    MockMvc mvc;

    @InjectWireMock("cleverpush")
    WireMockServer cleverpush;

    @Test
    void xtremepushRefusesAPossibleButInvalidNumber() throws Exception {
        mvc.perform(post("/v1/destinations/xtremepush/batches").contentType(MediaType.APPLICATION_JSON)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).content("""
                                {"syncId": "s", "batchId": "phone-valid-xp",
                                 "connection": {"region": "eu", "appToken": "tok"},
                                 "objectType": "user_profiles", "mode": "upsert",
                                 "rows": [{"id": "r1", "fields": {"user_id": "u1", "mobile_number": "447700900900",
                                           "sms_subscription": 1}}]}"""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[0].status").value("failed"))
                .andExpect(jsonPath("$.results[0].error.code").value("invalid_phone_number"));
    }

    @Test
    void cleverPushRefusesAPossibleButInvalidNumber() throws Exception {
        cleverpush.stubFor(get(urlPathMatching("/channel/.*")).willReturn(okJson("{\"tags\": []}")));
        mvc.perform(post("/v1/destinations/cleverpush/batches").contentType(MediaType.APPLICATION_JSON)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).content("""
                                {"syncId": "s", "batchId": "phone-valid-cp",
                                 "connection": {"channelId": "chan01", "apiKey": "key"},
                                 "objectType": "subscriptions", "mode": "upsert", "options": {"precheck": false},
                                 "rows": [{"id": "s1", "fields": {"subscription_id": "sub-1",
                                           "phone": "+44 7700 900900"}}]}"""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[0].status").value("failed"))
                .andExpect(jsonPath("$.results[0].error.code").value("invalid_phone_number"));
        assertThat(cleverpush.findAll(postRequestedFor(urlPathMatching(".*")))).isEmpty();
    }
}
