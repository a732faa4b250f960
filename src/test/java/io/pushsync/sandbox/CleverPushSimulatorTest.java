package io.pushsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

class CleverPushSimulatorTest {

    static final String KEY = "cp-test-key-7f3a9c";
    static final String CHANNEL = "chan-A1";
    static final String BASE = "/sandbox/cleverpush";

    CleverPushSimulator simulator;
    MockMvc mvc;

    @BeforeEach
    void setUp() {
        simulator = new CleverPushSimulator(new SandboxCleverPushProperties(KEY, CHANNEL,
                List.of("user_id", "plan", "loyalty_tier"), List.of("vip", "newsletter", "beta"),
                List.of("sub-1001", "sub-1002", "sub-1003"), "reject-"));
        mvc = MockMvcBuilders.standaloneSetup(simulator).build();
    }

    @Test
    void defaultsBindAsDocumented() {
        SandboxCleverPushProperties p = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("pushsync.sandbox.cleverpush", SandboxCleverPushProperties.class);
        assertThat(p.apiKey()).isEqualTo("sandbox-api-key");
        assertThat(p.channelId()).isEqualTo("sandbox-channel");
        assertThat(p.customAttributes()).containsExactly("user_id", "plan", "loyalty_tier");
        assertThat(p.tags()).containsExactly("vip", "newsletter", "beta");
        assertThat(p.seedSubscriptions()).containsExactly("sub-1001", "sub-1002", "sub-1003");
        assertThat(p.rejectedUserIdPrefix()).isEqualTo("reject-");
    }

    // --- auth and channel ---

    @Test
    void everyVendorEndpointNeedsTheRawKey() throws Exception {
        List<MockHttpServletRequestBuilder> calls = List.of(
                get(BASE + "/channel/" + CHANNEL),
                json(post(BASE + "/subscription/sync/" + CHANNEL), syncBody("u-1", "\"email\": \"a@example.com\"")),
                json(post(BASE + "/subscription/unsubscribe"), subBody("sub-1001", null)),
                json(post(BASE + "/subscription/tag/add"), subBody("sub-1001", "vip")),
                json(post(BASE + "/subscription/tag/remove"), subBody("sub-1001", "vip")));
        for (MockHttpServletRequestBuilder call : calls) {
            mvc.perform(call).andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error").value("Invalid API key"));
        }
        for (String wrong : List.of("wrong-key", "Bearer " + KEY, KEY + " ", KEY.toUpperCase())) {
            mvc.perform(get(BASE + "/channel/" + CHANNEL).header(HttpHeaders.AUTHORIZATION, wrong))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error").value("Invalid API key"));
        }
        // nothing changed behind a refused key
        assertThat(simulator.subscriptions()).hasSize(3);
        assertThat(simulator.subscription("sub-1001").getBody()).containsEntry("unsubscribed", false)
                .containsEntry("tags", List.of());
    }

    @Test
    void authIsCheckedBeforeTheChannel() throws Exception {
        mvc.perform(get(BASE + "/channel/nope").header(HttpHeaders.AUTHORIZATION, "wrong"))
                .andExpect(status().isUnauthorized());
        mvc.perform(json(post(BASE + "/subscription/sync/nope"), syncBody("u-1", "\"email\": \"a@example.com\""))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void knownChannelAnswersItsIdAndName() throws Exception {
        mvc.perform(auth(get(BASE + "/channel/" + CHANNEL)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$._id").value(CHANNEL))
                .andExpect(jsonPath("$.name").value("Sandbox channel"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "chan-a1", "CHAN-A1"})
    void unknownOrWrongCaseChannelIs404(String channel) throws Exception {
        mvc.perform(auth(get(BASE + "/channel/" + channel)))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("Channel not found"));
        mvc.perform(auth(json(post(BASE + "/subscription/sync/" + channel),
                        "{\"channelId\": \"" + channel + "\", \"email\": \"a@example.com\","
                                + " \"customAttributes\": {\"user_id\": \"u-1\"}}")))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("Channel not found"));
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"),
                        "{\"channelId\": \"" + channel + "\", \"subscriptionId\": \"sub-1001\"}")))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("Channel not found"));
        mvc.perform(auth(json(post(BASE + "/subscription/tag/add"),
                        "{\"channelId\": \"" + channel + "\", \"subscriptionId\": \"sub-1001\", \"tagId\": \"vip\"}")))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("Channel not found"));
        assertThat(simulator.subscriptions()).hasSize(3);
        assertThat(simulator.subscription("sub-1001").getBody()).containsEntry("unsubscribed", false)
                .containsEntry("tags", List.of());
    }

    @Test
    void bodyChannelMustEqualThePathChannel() throws Exception {
        mvc.perform(auth(json(post(BASE + "/subscription/sync/" + CHANNEL),
                        "{\"channelId\": \"other\", \"email\": \"a@example.com\","
                                + " \"customAttributes\": {\"user_id\": \"u-1\"}}")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").isString());
        mvc.perform(auth(json(post(BASE + "/subscription/sync/" + CHANNEL),
                        "{\"email\": \"a@example.com\", \"customAttributes\": {\"user_id\": \"u-1\"}}")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").isString());
        assertThat(simulator.subscriptions()).hasSize(3);
    }

    // --- sync ---

    @Test
    void aNewSubscriptionNeedsAContact() throws Exception {
        sync(syncBody("u-1", "\"language\": \"de\""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("A new subscription needs an email, phone or push token"));
        assertThat(simulator.subscriptions()).containsOnlyKeys("sub-1001", "sub-1002", "sub-1003");
    }

    @Test
    void createThenUpdateByUserIdKeepsTheNativeId() throws Exception {
        sync("{\"channelId\": \"" + CHANNEL + "\", \"email\": \"ada@example.com\", \"language\": \"de\","
                + " \"topics\": [\"news\"], \"customAttributes\": {\"user_id\": \"u-1\", \"plan\": \"free\"}}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.id").value("sbx-sub-1"));
        // an update needs no contact: it is found by user_id
        sync("{\"channelId\": \"" + CHANNEL + "\", \"phone\": \"+4915112345678\", \"topics\": [\"news\", \"deals\"],"
                + " \"customAttributes\": {\"user_id\": \"u-1\", \"plan\": \"pro\", \"loyalty_tier\": \"gold\"}}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.id").value("sbx-sub-1"));
        sync(syncBody("u-2", "\"email\": \"bob@example.com\""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value("sbx-sub-2"));

        assertThat(simulator.subscriptions()).hasSize(5);
        mvc.perform(get(BASE + "/subscriptions/sbx-sub-1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.email").value("ada@example.com"))
                .andExpect(jsonPath("$.phone").value("+4915112345678"))
                .andExpect(jsonPath("$.language").value("de"))
                .andExpect(jsonPath("$.topics", contains("news", "deals")))
                .andExpect(jsonPath("$.customAttributes.user_id").value("u-1"))
                .andExpect(jsonPath("$.customAttributes.plan").value("pro"))
                .andExpect(jsonPath("$.customAttributes.loyalty_tier").value("gold"))
                .andExpect(jsonPath("$.tags", empty()))
                .andExpect(jsonPath("$.unsubscribed").value(false));
        mvc.perform(get(BASE + "/subscriptions")).andExpect(status().isOk())
                .andExpect(jsonPath("$['sbx-sub-2'].email").value("bob@example.com"))
                .andExpect(jsonPath("$['sub-1001'].customAttributes").isMap());
        mvc.perform(get(BASE + "/subscriptions/sbx-sub-99")).andExpect(status().isNotFound());
    }

    @Test
    void anUnknownCustomAttributeIsA200CarryingAnError() throws Exception {
        sync("{\"channelId\": \"" + CHANNEL + "\", \"email\": \"a@example.com\","
                + " \"customAttributes\": {\"user_id\": \"u-1\", \"favourite_colour\": \"red\"}}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.error").value("Custom attribute 'favourite_colour' does not exist"))
                .andExpect(jsonPath("$.success").doesNotExist())
                .andExpect(jsonPath("$.id").doesNotExist());
        assertThat(simulator.subscriptions()).hasSize(3);
    }

    @Test
    void aRejectedUserIdIsA200CarryingAnError() throws Exception {
        sync(syncBody("reject-42", "\"email\": \"a@example.com\""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.error").value("Subscription refused by the sandbox"))
                .andExpect(jsonPath("$.success").doesNotExist());
        assertThat(simulator.subscriptions()).hasSize(3);
        // the prefix is a prefix: the same text elsewhere is fine
        sync(syncBody("u-reject-42", "\"email\": \"a@example.com\""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value("sbx-sub-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"4915112345678\"", "\"+04915112345678\"", "\"+49 151 12345678\"", "\"+12345\"",
            "\"+1234567890123456\"", "4915112345678"})
    void aPhoneThatIsNotE164Is400(String phone) throws Exception {
        sync(syncBody("u-1", "\"phone\": " + phone))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").isString());
        assertThat(simulator.subscriptions()).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"news,deals\"", "[\"news\", 3]", "{\"a\": \"news\"}"})
    void topicsMustBeAnArrayOfStrings(String topics) throws Exception {
        sync(syncBody("u-1", "\"email\": \"a@example.com\", \"topics\": " + topics))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").isString());
        assertThat(simulator.subscriptions()).hasSize(3);
    }

    @Test
    void aMalformedBodyIs400AndLogged() throws Exception {
        sync("{not json").andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").isString());
        assertThat(simulator.requests()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(400));
    }

    // --- tags and unsubscribe ---

    @Test
    void tagsAddAndRemoveOnASeededSubscription() throws Exception {
        tag("add", "sub-1002", "vip").andExpect(status().isOk()).andExpect(jsonPath("$.success").value(true));
        tag("add", "sub-1002", "beta").andExpect(status().isOk());
        tag("add", "sub-1002", "vip").andExpect(status().isOk());
        mvc.perform(get(BASE + "/subscriptions/sub-1002"))
                .andExpect(jsonPath("$.tags", contains("vip", "beta")));
        tag("remove", "sub-1002", "vip").andExpect(status().isOk()).andExpect(jsonPath("$.success").value(true));
        mvc.perform(get(BASE + "/subscriptions/sub-1002"))
                .andExpect(jsonPath("$.tags", contains("beta")));
        mvc.perform(get(BASE + "/subscriptions/sub-1001"))
                .andExpect(jsonPath("$.tags", empty()));
    }

    @Test
    void anUnknownTagIs400() throws Exception {
        tag("add", "sub-1001", "gold").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Tag 'gold' does not exist"));
        tag("add", "sub-1001", "VIP").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Tag 'VIP' does not exist"));
        tag("remove", "sub-1001", "gold").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Tag 'gold' does not exist"));
        mvc.perform(get(BASE + "/subscriptions/sub-1001")).andExpect(jsonPath("$.tags", empty()));
    }

    @Test
    void anUnknownSubscriptionIs404OnTagsAndUnsubscribe() throws Exception {
        for (String op : List.of("add", "remove")) {
            tag(op, "sub-9999", "vip").andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.error").value("Subscription not found"));
        }
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sub-9999", null))))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("Subscription not found"));
        // a user_id is not a native id
        sync(syncBody("u-1", "\"email\": \"a@example.com\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("u-1", null))))
                .andExpect(status().isNotFound());
        assertThat(simulator.subscriptions()).hasSize(4);
    }

    @Test
    void unsubscribeMarksOnlyThatSubscription() throws Exception {
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sub-1003", null))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true));
        mvc.perform(get(BASE + "/subscriptions"))
                .andExpect(jsonPath("$['sub-1003'].unsubscribed").value(true))
                .andExpect(jsonPath("$['sub-1001'].unsubscribed").value(false))
                .andExpect(jsonPath("$['sub-1002'].unsubscribed").value(false));
        // idempotent
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sub-1003", null))))
                .andExpect(status().isOk());
        assertThat(simulator.subscription("sub-1003").getBody()).containsEntry("unsubscribed", true);
    }

    @Test
    void aSyncResubscribesAnUnsubscribedSubscription() throws Exception {
        sync(syncBody("u-1", "\"email\": \"a@example.com\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sbx-sub-1", null))))
                .andExpect(status().isOk());
        assertThat(simulator.subscription("sbx-sub-1").getBody()).containsEntry("unsubscribed", true);
        sync(syncBody("u-1", "\"language\": \"fr\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
        assertThat(simulator.subscription("sbx-sub-1").getBody()).containsEntry("unsubscribed", false)
                .containsEntry("language", "fr").containsEntry("email", "a@example.com");
    }

    // --- views ---

    @Test
    void theRequestsLogListsEveryVendorCallAndNeverTheKey() throws Exception {
        mvc.perform(auth(get(BASE + "/channel/" + CHANNEL))).andExpect(status().isOk());
        mvc.perform(get(BASE + "/channel/" + CHANNEL).header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY))
                .andExpect(status().isUnauthorized());
        sync(syncBody("u-1", "\"email\": \"a@example.com\"")).andExpect(status().isOk());
        sync(syncBody("reject-1", "\"email\": \"a@example.com\"")).andExpect(status().isOk());
        tag("add", "sub-1001", "nope").andExpect(status().isBadRequest());
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sub-1001", null))))
                .andExpect(status().isOk());
        // views are not vendor calls
        mvc.perform(get(BASE + "/subscriptions")).andExpect(status().isOk());

        String log = mvc.perform(get(BASE + "/requests"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$", hasSize(6)))
                .andExpect(jsonPath("$[0].method").value("GET"))
                .andExpect(jsonPath("$[0].path").value("/channel/" + CHANNEL))
                .andExpect(jsonPath("$[0].status").value(200))
                .andExpect(jsonPath("$[0].error").doesNotExist())
                .andExpect(jsonPath("$[1].status").value(401))
                .andExpect(jsonPath("$[1].error").value("Invalid API key"))
                .andExpect(jsonPath("$[2].method").value("POST"))
                .andExpect(jsonPath("$[2].path").value("/subscription/sync/" + CHANNEL))
                .andExpect(jsonPath("$[3].status").value(200))
                .andExpect(jsonPath("$[3].error").value("Subscription refused by the sandbox"))
                .andExpect(jsonPath("$[4].path").value("/subscription/tag/add"))
                .andExpect(jsonPath("$[4].error", containsString("nope")))
                .andExpect(jsonPath("$[5].path").value("/subscription/unsubscribe"))
                .andReturn().getResponse().getContentAsString();
        assertThat(log).doesNotContain(KEY).doesNotContain("Bearer");
        assertThat(simulator.requests().toString()).doesNotContain(KEY);
    }

    @Test
    void resetRestoresTheSeeds() throws Exception {
        sync(syncBody("u-1", "\"email\": \"a@example.com\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
        tag("add", "sub-1001", "vip").andExpect(status().isOk());
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sub-1002", null))))
                .andExpect(status().isOk());
        assertThat(simulator.subscriptions()).hasSize(4);

        mvc.perform(delete(BASE)).andExpect(status().isNoContent());

        assertThat(simulator.subscriptions()).containsOnlyKeys("sub-1001", "sub-1002", "sub-1003");
        Map<String, Object> clean = Map.of("customAttributes", Map.of(), "tags", List.of(), "unsubscribed", false);
        simulator.subscriptions().values().forEach(v -> assertThat(v).isEqualTo(clean));
        mvc.perform(get(BASE + "/requests")).andExpect(jsonPath("$", empty()));
        // the same user_id is new again, and native ids start over
        sync(syncBody("u-1", "\"language\": \"de\"")).andExpect(status().isBadRequest());
        sync(syncBody("u-7", "\"email\": \"a@example.com\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
    }

    @Test
    void concurrentSyncsCreateOneSubscriptionPerUserId() throws Exception {
        int users = 20;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> work = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int u = 0; u < users; u++) {
                    String body = syncBody("u-" + u, "\"email\": \"u" + u + "@example.com\"");
                    work.add(() -> sync(body).andExpect(status().isOk()).andReturn().getResponse()
                            .getContentAsString());
                    work.add(() -> tag("add", "sub-1001", "vip").andExpect(status().isOk()).andReturn()
                            .getResponse().getContentAsString());
                }
            }
            Set<String> answers = new HashSet<>();
            for (Future<String> f : pool.invokeAll(work)) {
                answers.add(f.get());
            }
            assertThat(answers).hasSize(users + 1);
        } finally {
            pool.shutdownNow();
        }
        Map<String, Map<String, Object>> all = simulator.subscriptions();
        assertThat(all).hasSize(3 + users);
        Set<Object> userIds = new HashSet<>();
        all.forEach((id, v) -> {
            if (id.startsWith("sbx-sub-")) {
                userIds.add(((Map<?, ?>) v.get("customAttributes")).get("user_id"));
            }
        });
        assertThat(userIds).hasSize(users);
        assertThat(simulator.requests()).hasSize(users * 5 * 2);
        assertThat(all.get("sub-1001").get("tags")).isEqualTo(List.of("vip"));
    }

    // --- helpers ---

    ResultActions sync(String body) throws Exception {
        return mvc.perform(auth(json(post(BASE + "/subscription/sync/" + CHANNEL), body)));
    }

    ResultActions tag(String op, String subscriptionId, String tagId) throws Exception {
        return mvc.perform(auth(json(post(BASE + "/subscription/tag/" + op), subBody(subscriptionId, tagId))));
    }

    static String syncBody(String userId, String fields) {
        return "{\"channelId\": \"" + CHANNEL + "\", " + fields + ", \"customAttributes\": {\"user_id\": \""
                + userId + "\"}}";
    }

    static String subBody(String subscriptionId, String tagId) {
        return "{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"" + subscriptionId + "\""
                + (tagId == null ? "" : ", \"tagId\": \"" + tagId + "\"") + "}";
    }

    static MockHttpServletRequestBuilder json(MockHttpServletRequestBuilder request, String body) {
        return request.contentType(MediaType.APPLICATION_JSON).content(body);
    }

    static MockHttpServletRequestBuilder auth(MockHttpServletRequestBuilder request) {
        return request.header(HttpHeaders.AUTHORIZATION, KEY);
    }
}
