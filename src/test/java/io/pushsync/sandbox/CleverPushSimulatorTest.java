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
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
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
        use(new SandboxCleverPushProperties(KEY, CHANNEL, List.of("user_id", "plan", "loyalty_tier"),
                List.of("vip", "newsletter", "beta"), List.of("VIP", "Newsletter", "Beta"),
                List.of("sub-1001", "sub-1002", "sub-1003"), List.of("user-1001", "user-1002", "user-1003"),
                "reject-"));
    }

    void use(SandboxCleverPushProperties properties) {
        simulator = new CleverPushSimulator(properties);
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
        assertThat(p.tagNames()).containsExactly("VIP", "Newsletter", "Beta");
        assertThat(p.seedSubscriptions()).containsExactly("sub-1001", "sub-1002", "sub-1003");
        assertThat(p.seedUserIds()).containsExactly("user-1001", "user-1002", "user-1003");
        assertThat(p.rejectedUserIdPrefix()).isEqualTo("reject-");
    }

    @Test
    void theSandboxProfileBindsTagNamesAndSeedUserIds() throws Exception {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("sandbox", new ClassPathResource("application-sandbox.yml"));
        SandboxCleverPushProperties p = new Binder(ConfigurationPropertySources.from(yaml))
                .bindOrCreate("pushsync.sandbox.cleverpush", SandboxCleverPushProperties.class);
        assertThat(p.tags()).containsExactly("vip", "newsletter", "beta");
        assertThat(p.tagNames()).containsExactly("VIP", "Newsletter", "Beta");
        assertThat(p.seedSubscriptions()).containsExactly("sub-1001", "sub-1002", "sub-1003");
        assertThat(p.seedUserIds()).containsExactly("user-1001", "user-1002", "user-1003");
    }

    // --- auth and channel ---

    @Test
    void everyVendorEndpointNeedsTheRawKey() throws Exception {
        List<MockHttpServletRequestBuilder> calls = List.of(
                get(BASE + "/channels"),
                get(BASE + "/channel/" + CHANNEL + "/tags"),
                get(BASE + "/channel/" + CHANNEL + "/config"),
                lookup(CHANNEL, "user_id", "user-1001"),
                json(post(BASE + "/subscription/sync/" + CHANNEL),
                        syncBody("u-1", "\"emailAddress\": \"a@example.com\"")),
                json(post(BASE + "/subscription/unsubscribe"), subBody("sub-1001", null)),
                json(post(BASE + "/subscription/tag"), subBody("sub-1001", "vip")),
                json(post(BASE + "/subscription/untag"), subBody("sub-1001", "vip")));
        for (MockHttpServletRequestBuilder call : calls) {
            mvc.perform(call).andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error").value("Invalid API key"));
        }
        for (String wrong : List.of("wrong-key", "Bearer " + KEY, KEY + " ", KEY.toUpperCase())) {
            mvc.perform(get(BASE + "/channels").header(HttpHeaders.AUTHORIZATION, wrong))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error").value("Invalid API key"));
        }
        // nothing changed behind a refused key
        assertThat(simulator.subscriptions()).hasSize(3);
        assertThat(simulator.subscription("sub-1001").getBody()).containsEntry("unsubscribed", false)
                .containsEntry("tags", List.of());
        assertThat(simulator.requests()).hasSize(calls.size() + 4)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(401));
    }

    @Test
    void authIsCheckedBeforeTheChannelAndTheQuery() throws Exception {
        mvc.perform(get(BASE + "/channel/nope/tags").header(HttpHeaders.AUTHORIZATION, "wrong"))
                .andExpect(status().isUnauthorized());
        mvc.perform(get(BASE + "/channel/nope/config").header(HttpHeaders.AUTHORIZATION, "wrong"))
                .andExpect(status().isUnauthorized());
        mvc.perform(json(post(BASE + "/subscription/sync/nope"),
                        syncBody("u-1", "\"emailAddress\": \"a@example.com\""))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY))
                .andExpect(status().isUnauthorized());
        mvc.perform(get(BASE + "/subscription").header(HttpHeaders.AUTHORIZATION, "wrong"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error").value("Invalid API key"));
    }

    @Test
    void channelsListsTheOneChannel() throws Exception {
        mvc.perform(auth(get(BASE + "/channels")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.channels", hasSize(1)))
                .andExpect(jsonPath("$.channels[0]._id").value(CHANNEL))
                .andExpect(jsonPath("$.channels[0].name").value("Sandbox channel"));
    }

    @Test
    void channelTagsListIdsAndDisplayNames() throws Exception {
        mvc.perform(auth(get(BASE + "/channel/" + CHANNEL + "/tags")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.tags", hasSize(3)))
                .andExpect(jsonPath("$.tags[*]._id", contains("vip", "newsletter", "beta")))
                .andExpect(jsonPath("$.tags[*].name", contains("VIP", "Newsletter", "Beta")));
    }

    @Test
    void channelConfigListsTagsAndCustomAttributes() throws Exception {
        mvc.perform(auth(get(BASE + "/channel/" + CHANNEL + "/config")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$._id").value(CHANNEL))
                .andExpect(jsonPath("$.name").value("Sandbox channel"))
                .andExpect(jsonPath("$.channelTags", hasSize(3)))
                .andExpect(jsonPath("$.channelTags[*].id", contains("vip", "newsletter", "beta")))
                .andExpect(jsonPath("$.channelTags[*].name", contains("VIP", "Newsletter", "Beta")))
                .andExpect(jsonPath("$.channelTags[0]._id").doesNotExist())
                .andExpect(jsonPath("$.customAttributes", hasSize(3)))
                .andExpect(jsonPath("$.customAttributes[*].id", contains("user_id", "plan", "loyalty_tier")))
                .andExpect(jsonPath("$.customAttributes[*].name", contains("user_id", "plan", "loyalty_tier")));
    }

    @Test
    void aTagWithoutANameIsNamedByItsIdAndASeedWithoutAUserIdHasNone() throws Exception {
        use(new SandboxCleverPushProperties(KEY, CHANNEL, List.of("user_id"), List.of("vip", "newsletter", "beta"),
                List.of("VIP"), List.of("sub-1001", "sub-1002"), List.of("user-1001"), "reject-"));
        mvc.perform(auth(get(BASE + "/channel/" + CHANNEL + "/tags")))
                .andExpect(jsonPath("$.tags[*].name", contains("VIP", "newsletter", "beta")));
        mvc.perform(auth(get(BASE + "/channel/" + CHANNEL + "/config")))
                .andExpect(jsonPath("$.channelTags[*].name", contains("VIP", "newsletter", "beta")));
        assertThat(simulator.subscription("sub-1001").getBody())
                .containsEntry("customAttributes", Map.of("user_id", "user-1001"));
        assertThat(simulator.subscription("sub-1002").getBody()).containsEntry("customAttributes", Map.of());
        lookup("user_id", "user-1001").andExpect(status().isOk())
                .andExpect(jsonPath("$.subscription._id").value("sub-1001"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "chan-a1", "CHAN-A1"})
    void unknownOrWrongCaseChannelIs404(String channel) throws Exception {
        List<MockHttpServletRequestBuilder> calls = List.of(
                get(BASE + "/channel/" + channel + "/tags"),
                get(BASE + "/channel/" + channel + "/config"),
                lookup(channel, "user_id", "user-1001"),
                json(post(BASE + "/subscription/sync/" + channel), "{\"channelId\": \"" + channel + "\","
                        + " \"emailAddress\": \"a@example.com\", \"customAttributes\": {\"user_id\": \"u-1\"}}"),
                json(post(BASE + "/subscription/unsubscribe"),
                        "{\"channelId\": \"" + channel + "\", \"subscriptionId\": \"sub-1001\"}"),
                json(post(BASE + "/subscription/tag"),
                        "{\"channelId\": \"" + channel + "\", \"subscriptionId\": \"sub-1001\", \"tagId\": \"vip\"}"),
                json(post(BASE + "/subscription/untag"),
                        "{\"channelId\": \"" + channel + "\", \"subscriptionId\": \"sub-1001\", \"tagId\": \"vip\"}"));
        for (MockHttpServletRequestBuilder call : calls) {
            mvc.perform(auth(call))
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.error").value("channel not found"));
        }
        assertThat(simulator.subscriptions()).hasSize(3);
        assertThat(simulator.subscription("sub-1001").getBody()).containsEntry("unsubscribed", false)
                .containsEntry("tags", List.of());
    }

    @Test
    void theUndocumentedOldCallsAreGone() throws Exception {
        mvc.perform(auth(get(BASE + "/channel/" + CHANNEL))).andExpect(status().isNotFound());
        mvc.perform(auth(json(post(BASE + "/subscription/tag/add"), subBody("sub-1001", "vip"))))
                .andExpect(status().isNotFound());
        mvc.perform(auth(json(post(BASE + "/subscription/tag/remove"), subBody("sub-1001", "vip"))))
                .andExpect(status().isNotFound());
        assertThat(simulator.subscription("sub-1001").getBody()).containsEntry("tags", List.of());
        assertThat(simulator.requests()).isEmpty();
    }

    @Test
    void bodyChannelMustEqualThePathChannel() throws Exception {
        mvc.perform(auth(json(post(BASE + "/subscription/sync/" + CHANNEL),
                        "{\"channelId\": \"other\", \"emailAddress\": \"a@example.com\","
                                + " \"customAttributes\": {\"user_id\": \"u-1\"}}")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").isString());
        mvc.perform(auth(json(post(BASE + "/subscription/sync/" + CHANNEL),
                        "{\"emailAddress\": \"a@example.com\", \"customAttributes\": {\"user_id\": \"u-1\"}}")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").isString());
        assertThat(simulator.subscriptions()).hasSize(3);
    }

    // --- look-up by custom attribute ---

    @Test
    void theLookUpFindsASeededSubscriptionByUserId() throws Exception {
        lookup("user_id", "user-1002")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.subscription._id").value("sub-1002"))
                .andExpect(jsonPath("$.subscription.customAttributes.user_id").value("user-1002"));
        assertThat(simulator.requests()).singleElement()
                .isEqualTo(new CleverPushSimulator.ReceivedRequest("GET", "/subscription", 200, null));
    }

    @Test
    void theLookUpFindsASyncedSubscriptionByUserIdOrAnotherAttribute() throws Exception {
        sync("{\"channelId\": \"" + CHANNEL + "\", \"emailAddress\": \"ada@example.com\","
                + " \"customAttributes\": {\"user_id\": \"u-1\", \"plan\": \"pro\"}}")
                .andExpect(jsonPath("$.id").value("sbx-sub-1"));
        lookup("user_id", "u-1")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.subscription._id").value("sbx-sub-1"))
                .andExpect(jsonPath("$.subscription.customAttributes.user_id").value("u-1"))
                .andExpect(jsonPath("$.subscription.customAttributes.plan").value("pro"));
        lookup("plan", "pro")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.subscription._id").value("sbx-sub-1"));
        // a numeric user_id is found by its text
        sync(syncBody(42, "\"phone\": \"+4915112345678\"")).andExpect(jsonPath("$.id").value("sbx-sub-2"));
        lookup("user_id", "42").andExpect(status().isOk())
                .andExpect(jsonPath("$.subscription._id").value("sbx-sub-2"))
                .andExpect(jsonPath("$.subscription.customAttributes.user_id").value(42));
    }

    @Test
    void theLookUpAnswers404WhenNoSubscriptionHasTheValue() throws Exception {
        for (String[] q : List.of(new String[] {"user_id", "u-404"}, new String[] {"user_id", "USER-1001"},
                new String[] {"plan", "pro"}, new String[] {"no_such_attribute", "x"})) {
            lookup(q[0], q[1])
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.error").value("Subscription not found"));
        }
    }

    @Test
    void theLookUpNeedsItsThreeQueryParameters() throws Exception {
        List<MockHttpServletRequestBuilder> bad = List.of(
                get(BASE + "/subscription"),
                get(BASE + "/subscription").param("attributeId", "user_id").param("attribute_value", "user-1001"),
                get(BASE + "/subscription").param("channelId", CHANNEL).param("attribute_value", "user-1001"),
                get(BASE + "/subscription").param("channelId", CHANNEL).param("attributeId", "user_id"),
                get(BASE + "/subscription").param("channelId", CHANNEL).param("attributeId", "user_id")
                        .param("attributeValue", "user-1001"),
                lookup(CHANNEL, "user_id", " "),
                lookup(" ", "user_id", "user-1001"));
        for (MockHttpServletRequestBuilder call : bad) {
            mvc.perform(auth(call))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error", containsString("is required")));
        }
        mvc.perform(auth(get(BASE + "/subscription").param("channelId", CHANNEL).param("attributeId", "user_id")))
                .andExpect(jsonPath("$.error").value("The query parameter attribute_value is required"));
    }

    @Test
    void theLookUpOfAnUnknownChannelIs404AndABadKeyIs401() throws Exception {
        mvc.perform(auth(lookup("other", "user_id", "user-1001")))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("channel not found"));
        mvc.perform(lookup(CHANNEL, "user_id", "user-1001"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error").value("Invalid API key"));
        mvc.perform(lookup(CHANNEL, "user_id", "user-1001").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error").value("Invalid API key"));
    }

    // --- sync ---

    @Test
    void aNewSubscriptionNeedsAContact() throws Exception {
        sync(syncBody("u-1", "\"language\": \"de\""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("A new subscription needs an emailAddress, phone or push token"));
        // "email" is not the wire's e-mail field
        sync(syncBody("u-1", "\"email\": \"a@example.com\""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("A new subscription needs an emailAddress, phone or push token"));
        assertThat(simulator.subscriptions()).containsOnlyKeys("sub-1001", "sub-1002", "sub-1003");
    }

    @Test
    void aSyncWithEmailAddressCreatesASubscription() throws Exception {
        sync(syncBody("u-1", "\"emailAddress\": \"ada@example.com\""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.id").value("sbx-sub-1"));
        assertThat(simulator.subscription("sbx-sub-1").getBody())
                .containsEntry("emailAddress", "ada@example.com")
                .containsEntry("customAttributes", Map.of("user_id", "u-1"))
                .doesNotContainKey("email");
        sync(syncBody("u-2", "\"emailAddress\": 7"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("emailAddress must be a string"));
    }

    @Test
    void createThenUpdateByUserIdKeepsTheNativeId() throws Exception {
        sync("{\"channelId\": \"" + CHANNEL + "\", \"emailAddress\": \"ada@example.com\", \"language\": \"de\","
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
        sync(syncBody("u-2", "\"emailAddress\": \"bob@example.com\""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value("sbx-sub-2"));
        // a seeded subscription is found by its seeded user_id
        sync(syncBody("user-1003", "\"language\": \"fr\""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value("sub-1003"));

        assertThat(simulator.subscriptions()).hasSize(5);
        mvc.perform(get(BASE + "/subscriptions/sbx-sub-1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.emailAddress").value("ada@example.com"))
                .andExpect(jsonPath("$.phone").value("+4915112345678"))
                .andExpect(jsonPath("$.language").value("de"))
                .andExpect(jsonPath("$.topics", contains("news", "deals")))
                .andExpect(jsonPath("$.customAttributes.user_id").value("u-1"))
                .andExpect(jsonPath("$.customAttributes.plan").value("pro"))
                .andExpect(jsonPath("$.customAttributes.loyalty_tier").value("gold"))
                .andExpect(jsonPath("$.tags", empty()))
                .andExpect(jsonPath("$.unsubscribed").value(false));
        mvc.perform(get(BASE + "/subscriptions")).andExpect(status().isOk())
                .andExpect(jsonPath("$['sbx-sub-2'].emailAddress").value("bob@example.com"))
                .andExpect(jsonPath("$['sub-1001'].customAttributes.user_id").value("user-1001"))
                .andExpect(jsonPath("$['sub-1003'].language").value("fr"));
        mvc.perform(get(BASE + "/subscriptions/sbx-sub-99")).andExpect(status().isNotFound());
    }

    @Test
    void aSyncNamingAKnownSubscriptionIdUpdatesItWithoutAUserId() throws Exception {
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"sub-1002\", \"language\": \"de\","
                + " \"customAttributes\": {\"plan\": \"pro\"}}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.id").value("sub-1002"));
        assertThat(simulator.subscription("sub-1002").getBody())
                .containsEntry("language", "de")
                .containsEntry("customAttributes", Map.of("user_id", "user-1002", "plan", "pro"));
        assertThat(simulator.subscriptions()).hasSize(3);
        lookup("user_id", "user-1002").andExpect(jsonPath("$.subscription._id").value("sub-1002"));
        // no customAttributes at all is fine too
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"sub-1002\", \"country\": \"DE\"}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value("sub-1002"));
        assertThat(simulator.subscription("sub-1002").getBody()).containsEntry("country", "DE");
    }

    @Test
    void aSyncNamingASubscriptionIdWithAUserIdRePointsTheIndex() throws Exception {
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"sub-1002\","
                + " \"customAttributes\": {\"user_id\": \"crm-77\"}}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value("sub-1002"));
        lookup("user_id", "crm-77").andExpect(status().isOk())
                .andExpect(jsonPath("$.subscription._id").value("sub-1002"))
                .andExpect(jsonPath("$.subscription.customAttributes.user_id").value("crm-77"));
        lookup("user_id", "user-1002").andExpect(status().isNotFound());
        // a sync by that user id alone now updates sub-1002
        sync(syncBody("crm-77", "\"language\": \"it\"")).andExpect(jsonPath("$.id").value("sub-1002"));
        assertThat(simulator.subscription("sub-1002").getBody()).containsEntry("language", "it");

        // a user id held by another subscription moves to the named one
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"sub-1003\","
                + " \"customAttributes\": {\"user_id\": \"user-1001\"}}")
                .andExpect(jsonPath("$.id").value("sub-1003"));
        lookup("user_id", "user-1001").andExpect(jsonPath("$.subscription._id").value("sub-1003"));
        sync(syncBody("user-1001", "\"language\": \"es\"")).andExpect(jsonPath("$.id").value("sub-1003"));
        assertThat(simulator.subscription("sub-1003").getBody()).containsEntry("language", "es");
        assertThat(simulator.subscription("sub-1001").getBody()).doesNotContainKey("language");
        assertThat(simulator.subscriptions()).hasSize(3);
    }

    @Test
    void aSyncNamingAnUnknownSubscriptionIdIs404AndCreatesNothing() throws Exception {
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"sub-9999\","
                + " \"emailAddress\": \"a@example.com\", \"customAttributes\": {\"user_id\": \"u-1\"}}")
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("Subscription not found"));
        // a user_id is not a native id
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"user-1001\"}")
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("Subscription not found"));
        assertThat(simulator.subscriptions()).containsOnlyKeys("sub-1001", "sub-1002", "sub-1003");
        lookup("user_id", "u-1").andExpect(status().isNotFound());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\" \"", "1001", "[\"sub-1001\"]"})
    void aSubscriptionIdThatIsNotANonEmptyStringIs400(String subscriptionId) throws Exception {
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": " + subscriptionId
                + ", \"customAttributes\": {\"user_id\": \"user-1001\"}}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("subscriptionId must be a non-empty string"));
    }

    @Test
    void withoutASubscriptionIdTheUserIdIsRequired() throws Exception {
        for (String attributes : List.of("", ", \"customAttributes\": {}", ", \"customAttributes\": {\"plan\": \"x\"}",
                ", \"customAttributes\": {\"user_id\": \"\"}", ", \"customAttributes\": {\"user_id\": true}")) {
            sync("{\"channelId\": \"" + CHANNEL + "\", \"emailAddress\": \"a@example.com\"" + attributes + "}")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error").value("customAttributes.user_id is required"));
        }
        // with one, a user_id that is given must still be usable
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"sub-1001\","
                + " \"customAttributes\": {\"user_id\": \"\"}}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error", containsString("user_id")));
        assertThat(simulator.subscriptions()).hasSize(3);
    }

    @Test
    void anUnknownCustomAttributeIs400() throws Exception {
        sync("{\"channelId\": \"" + CHANNEL + "\", \"emailAddress\": \"a@example.com\","
                + " \"customAttributes\": {\"user_id\": \"u-1\", \"favourite_colour\": \"red\"}}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Custom attribute 'favourite_colour' does not exist"))
                .andExpect(jsonPath("$.success").doesNotExist())
                .andExpect(jsonPath("$.id").doesNotExist());
        assertThat(simulator.subscriptions()).hasSize(3);
    }

    @Test
    void aRejectedUserIdIs400() throws Exception {
        sync(syncBody("reject-42", "\"emailAddress\": \"a@example.com\""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Subscription refused by the sandbox"))
                .andExpect(jsonPath("$.success").doesNotExist());
        assertThat(simulator.subscriptions()).hasSize(3);
        // the prefix is a prefix: the same text elsewhere is fine
        sync(syncBody("u-reject-42", "\"emailAddress\": \"a@example.com\""))
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
        sync(syncBody("u-1", "\"emailAddress\": \"a@example.com\", \"topics\": " + topics))
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
    void tagAndUntagOnASeededSubscription() throws Exception {
        tag("tag", "sub-1002", "vip").andExpect(status().isOk()).andExpect(jsonPath("$.success").value(true));
        tag("tag", "sub-1002", "beta").andExpect(status().isOk());
        tag("tag", "sub-1002", "vip").andExpect(status().isOk());
        mvc.perform(get(BASE + "/subscriptions/sub-1002"))
                .andExpect(jsonPath("$.tags", contains("vip", "beta")));
        tag("untag", "sub-1002", "vip").andExpect(status().isOk()).andExpect(jsonPath("$.success").value(true));
        mvc.perform(get(BASE + "/subscriptions/sub-1002"))
                .andExpect(jsonPath("$.tags", contains("beta")));
        // untagging a tag it does not carry is fine
        tag("untag", "sub-1002", "newsletter").andExpect(status().isOk());
        mvc.perform(get(BASE + "/subscriptions/sub-1001"))
                .andExpect(jsonPath("$.tags", empty()));
    }

    @Test
    void anUnknownTagIs400() throws Exception {
        tag("tag", "sub-1001", "gold").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Tag 'gold' does not exist"));
        // the id, not the display name
        tag("tag", "sub-1001", "VIP").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Tag 'VIP' does not exist"));
        tag("untag", "sub-1001", "gold").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Tag 'gold' does not exist"));
        mvc.perform(get(BASE + "/subscriptions/sub-1001")).andExpect(jsonPath("$.tags", empty()));
    }

    @Test
    void aTagCallNeedsItsFields() throws Exception {
        for (String op : List.of("tag", "untag")) {
            mvc.perform(auth(json(post(BASE + "/subscription/" + op), subBody("sub-1001", null))))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error").value("tagId is required"));
            mvc.perform(auth(json(post(BASE + "/subscription/" + op),
                            "{\"channelId\": \"" + CHANNEL + "\", \"tagId\": \"vip\"}")))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error").value("subscriptionId is required"));
            mvc.perform(auth(json(post(BASE + "/subscription/" + op),
                            "{\"subscriptionId\": \"sub-1001\", \"tagId\": \"vip\"}")))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error").value("channelId is required"));
        }
    }

    @Test
    void anUnknownSubscriptionIs404OnTagsAndUnsubscribe() throws Exception {
        for (String op : List.of("tag", "untag")) {
            tag(op, "sub-9999", "vip").andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.error").value("Subscription not found"));
        }
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sub-9999", null))))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("Subscription not found"));
        // a user_id is not a native id
        sync(syncBody("u-1", "\"emailAddress\": \"a@example.com\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("u-1", null))))
                .andExpect(status().isNotFound());
        tag("tag", "user-1001", "vip").andExpect(status().isNotFound());
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
        sync(syncBody("u-1", "\"emailAddress\": \"a@example.com\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sbx-sub-1", null))))
                .andExpect(status().isOk());
        assertThat(simulator.subscription("sbx-sub-1").getBody()).containsEntry("unsubscribed", true);
        sync(syncBody("u-1", "\"language\": \"fr\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
        assertThat(simulator.subscription("sbx-sub-1").getBody()).containsEntry("unsubscribed", false)
                .containsEntry("language", "fr").containsEntry("emailAddress", "a@example.com");
        // by subscriptionId too
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sub-1001", null))))
                .andExpect(status().isOk());
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"sub-1001\"}").andExpect(status().isOk());
        assertThat(simulator.subscription("sub-1001").getBody()).containsEntry("unsubscribed", false);
    }

    // --- views ---

    @Test
    void theRequestsLogListsEveryVendorCallAndNeverTheKey() throws Exception {
        mvc.perform(auth(get(BASE + "/channels"))).andExpect(status().isOk());
        mvc.perform(get(BASE + "/channel/" + CHANNEL + "/tags").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY))
                .andExpect(status().isUnauthorized());
        mvc.perform(auth(get(BASE + "/channel/" + CHANNEL + "/tags"))).andExpect(status().isOk());
        mvc.perform(auth(get(BASE + "/channel/" + CHANNEL + "/config"))).andExpect(status().isOk());
        lookup("user_id", "user-1001").andExpect(status().isOk());
        sync(syncBody("u-1", "\"emailAddress\": \"a@example.com\"")).andExpect(status().isOk());
        sync(syncBody("reject-1", "\"emailAddress\": \"a@example.com\"")).andExpect(status().isBadRequest());
        tag("tag", "sub-1001", "nope").andExpect(status().isBadRequest());
        tag("untag", "sub-1001", "vip").andExpect(status().isOk());
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sub-1001", null))))
                .andExpect(status().isOk());
        // views are not vendor calls
        mvc.perform(get(BASE + "/subscriptions")).andExpect(status().isOk());

        String log = mvc.perform(get(BASE + "/requests"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$", hasSize(10)))
                .andExpect(jsonPath("$[0].method").value("GET"))
                .andExpect(jsonPath("$[0].path").value("/channels"))
                .andExpect(jsonPath("$[0].status").value(200))
                .andExpect(jsonPath("$[0].error").doesNotExist())
                .andExpect(jsonPath("$[1].path").value("/channel/" + CHANNEL + "/tags"))
                .andExpect(jsonPath("$[1].status").value(401))
                .andExpect(jsonPath("$[1].error").value("Invalid API key"))
                .andExpect(jsonPath("$[2].path").value("/channel/" + CHANNEL + "/tags"))
                .andExpect(jsonPath("$[2].status").value(200))
                .andExpect(jsonPath("$[3].path").value("/channel/" + CHANNEL + "/config"))
                .andExpect(jsonPath("$[4].method").value("GET"))
                .andExpect(jsonPath("$[4].path").value("/subscription"))
                .andExpect(jsonPath("$[4].status").value(200))
                .andExpect(jsonPath("$[5].method").value("POST"))
                .andExpect(jsonPath("$[5].path").value("/subscription/sync/" + CHANNEL))
                .andExpect(jsonPath("$[6].status").value(400))
                .andExpect(jsonPath("$[6].error").value("Subscription refused by the sandbox"))
                .andExpect(jsonPath("$[7].path").value("/subscription/tag"))
                .andExpect(jsonPath("$[7].error", containsString("nope")))
                .andExpect(jsonPath("$[8].path").value("/subscription/untag"))
                .andExpect(jsonPath("$[8].status").value(200))
                .andExpect(jsonPath("$[9].path").value("/subscription/unsubscribe"))
                .andReturn().getResponse().getContentAsString();
        assertThat(log).doesNotContain(KEY).doesNotContain("Bearer").doesNotContain("user-1001");
        assertThat(simulator.requests().toString()).doesNotContain(KEY);
    }

    @Test
    void resetRestoresTheSeeds() throws Exception {
        sync(syncBody("u-1", "\"emailAddress\": \"a@example.com\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
        tag("tag", "sub-1001", "vip").andExpect(status().isOk());
        mvc.perform(auth(json(post(BASE + "/subscription/unsubscribe"), subBody("sub-1002", null))))
                .andExpect(status().isOk());
        sync("{\"channelId\": \"" + CHANNEL + "\", \"subscriptionId\": \"sub-1003\","
                + " \"customAttributes\": {\"user_id\": \"crm-9\", \"plan\": \"pro\"}}").andExpect(status().isOk());
        assertThat(simulator.subscriptions()).hasSize(4);

        mvc.perform(delete(BASE)).andExpect(status().isNoContent());

        assertThat(simulator.subscriptions()).containsOnlyKeys("sub-1001", "sub-1002", "sub-1003");
        for (String n : List.of("1001", "1002", "1003")) {
            assertThat(simulator.subscription("sub-" + n).getBody()).isEqualTo(Map.of(
                    "customAttributes", Map.of("user_id", "user-" + n), "tags", List.of(), "unsubscribed", false));
            lookup("user_id", "user-" + n).andExpect(status().isOk())
                    .andExpect(jsonPath("$.subscription._id").value("sub-" + n));
        }
        lookup("user_id", "crm-9").andExpect(status().isNotFound());
        lookup("user_id", "u-1").andExpect(status().isNotFound());
        simulator.reset();
        mvc.perform(get(BASE + "/requests")).andExpect(jsonPath("$", empty()));
        // the same user_id is new again, and native ids start over
        sync(syncBody("u-1", "\"language\": \"de\"")).andExpect(status().isBadRequest());
        sync(syncBody("u-7", "\"emailAddress\": \"a@example.com\"")).andExpect(jsonPath("$.id").value("sbx-sub-1"));
    }

    @Test
    void concurrentSyncsCreateOneSubscriptionPerUserId() throws Exception {
        int users = 20;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> work = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int u = 0; u < users; u++) {
                    String body = syncBody("u-" + u, "\"emailAddress\": \"u" + u + "@example.com\"");
                    work.add(() -> sync(body).andExpect(status().isOk()).andReturn().getResponse()
                            .getContentAsString());
                    work.add(() -> tag("tag", "sub-1001", "vip").andExpect(status().isOk()).andReturn()
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

    /** {@code op} is {@code tag} or {@code untag}. */
    ResultActions tag(String op, String subscriptionId, String tagId) throws Exception {
        return mvc.perform(auth(json(post(BASE + "/subscription/" + op), subBody(subscriptionId, tagId))));
    }

    ResultActions lookup(String attributeId, String value) throws Exception {
        return mvc.perform(auth(lookup(CHANNEL, attributeId, value)));
    }

    static MockHttpServletRequestBuilder lookup(String channelId, String attributeId, String value) {
        return get(BASE + "/subscription").param("channelId", channelId).param("attributeId", attributeId)
                .param("attribute_value", value);
    }

    static String syncBody(String userId, String fields) {
        return "{\"channelId\": \"" + CHANNEL + "\", " + fields + ", \"customAttributes\": {\"user_id\": \""
                + userId + "\"}}";
    }

    static String syncBody(long userId, String fields) {
        return "{\"channelId\": \"" + CHANNEL + "\", " + fields + ", \"customAttributes\": {\"user_id\": "
                + userId + "}}";
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
