package io.pushsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class XtremepushSimulatorTest {

    static final String APP_TOKEN = "xp-test-app-token-4d1e";
    static final String CLIENT = "xp-client-9b2c";
    static final String SECRET = "xp-secret-77f0a1";
    static final String BASE = "/sandbox/xtremepush";
    static final String TOKEN = BASE + "/api/oauth/token";
    static final String IMPORT_PROFILE = BASE + "/api/external/import/profile";
    static final String IMPORT_LIST = BASE + "/api/external/import/list";
    static final String LIST_PROFILE = BASE + "/api/external/list/profile";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int MAX_TOKENS = 50;

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    TestClock clock;
    XtremepushSimulator simulator;
    MockMvc mvc;

    @BeforeEach
    void setUp() {
        use(Duration.ofHours(1));
    }

    void use(Duration tokenLifetime) {
        clock = new TestClock();
        simulator = new XtremepushSimulator(properties(tokenLifetime), clock, MAX_TOKENS);
        mvc = MockMvcBuilders.standaloneSetup(simulator).build();
    }

    static SandboxXtremepushProperties properties(Duration tokenLifetime) {
        return new SandboxXtremepushProperties(APP_TOKEN, List.of(123L, 456L), List.of("plan", "loyalty_tier"),
                "reject-", CLIENT, SECRET, tokenLifetime);
    }

    // --- properties ---

    @Test
    void defaultsBindAsDocumented() {
        SandboxXtremepushProperties p = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("pushsync.sandbox.xtremepush", SandboxXtremepushProperties.class);
        assertThat(p.appToken()).isEqualTo("sandbox-app-token");
        assertThat(p.clientId()).isEqualTo("sandbox-client");
        assertThat(p.clientSecret()).isEqualTo("sandbox-client-secret");
        assertThat(p.tokenLifetime()).isEqualTo(Duration.ofSeconds(3600));
    }

    @Test
    void theSandboxProfileBindsTheOAuthClient() throws Exception {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("sandbox", new ClassPathResource("application-sandbox.yml"));
        SandboxXtremepushProperties p = new Binder(ConfigurationPropertySources.from(yaml))
                .bindOrCreate("pushsync.sandbox.xtremepush", SandboxXtremepushProperties.class);
        assertThat(p.clientId()).isEqualTo("sandbox-client");
        assertThat(p.clientSecret()).isEqualTo("sandbox-client-secret");
        assertThat(p.tokenLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(p.appToken()).isEqualTo("sandbox-app-token");
    }

    @Test
    void aTokenLifetimeUnderOneSecondIsRefused() {
        assertThatThrownBy(() -> properties(Duration.ofMillis(500))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token-lifetime");
        assertThatThrownBy(() -> properties(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- POST /api/oauth/token ---

    @Test
    void tokenByFormCredentials() throws Exception {
        mvc.perform(form("grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=" + SECRET))
                .andExpect(status().isOk())
                .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
                .andExpect(jsonPath("$.access_token").isString())
                .andExpect(jsonPath("$.token_type").value("Bearer"))
                .andExpect(jsonPath("$.expires_in").value(3600))
                .andExpect(jsonPath("$.refresh_token").doesNotExist());
        assertThat(simulator.heldAccessTokens()).isEqualTo(1);
    }

    @Test
    void tokenByFormCredentialsInAnyOrderAndWithACharset() throws Exception {
        mvc.perform(post(TOKEN).contentType("application/x-www-form-urlencoded;charset=UTF-8")
                        .content("client_secret=" + SECRET + "&client_id=" + CLIENT + "&grant_type=client_credentials"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.token_type").value("Bearer"));
    }

    @Test
    void tokenByHttpBasic() throws Exception {
        mvc.perform(form("grant_type=client_credentials").header(HttpHeaders.AUTHORIZATION, basic(CLIENT, SECRET)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.access_token").isString())
                .andExpect(jsonPath("$.token_type").value("Bearer"))
                .andExpect(jsonPath("$.expires_in").value(3600));
    }

    @Test
    void tokensAreOpaqueRandomAndDistinct() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String token = accessToken();
            assertThat(token).hasSizeGreaterThanOrEqualTo(32).doesNotContain(CLIENT).doesNotContain(SECRET);
            seen.add(token);
        }
        assertThat(seen).hasSize(20);
    }

    @Test
    void wrongClientIs401InvalidClient() throws Exception {
        List<MockHttpServletRequestBuilder> calls = List.of(
                form("grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=wrong"),
                form("grant_type=client_credentials&client_id=other&client_secret=" + SECRET),
                form("grant_type=client_credentials&client_id=" + CLIENT),
                form("grant_type=client_credentials&client_secret=" + SECRET),
                form("grant_type=client_credentials"),
                form("grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=" + SECRET + "x"));
        for (MockHttpServletRequestBuilder call : calls) {
            mvc.perform(call)
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error").value("invalid_client"))
                    .andExpect(jsonPath("$.error_description").value("Client authentication failed"))
                    .andExpect(jsonPath("$.access_token").doesNotExist());
        }
        for (String authorization : List.of(basic(CLIENT, "wrong"), basic("other", SECRET),
                "Basic " + b64(CLIENT + SECRET), "Basic not-base64!", "Basic")) {
            mvc.perform(form("grant_type=client_credentials").header(HttpHeaders.AUTHORIZATION, authorization))
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"xtremepush-sandbox\""))
                    .andExpect(jsonPath("$.error").value("invalid_client"))
                    .andExpect(jsonPath("$.error_description").value("Client authentication failed"));
        }
        assertThat(simulator.heldAccessTokens()).isZero();
    }

    @Test
    void aMissingGrantTypeIs400InvalidRequestAndAnotherOneUnsupported() throws Exception {
        mvc.perform(form("client_id=" + CLIENT + "&client_secret=" + SECRET))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("invalid_request"));
        mvc.perform(form("grant_type=&client_id=" + CLIENT + "&client_secret=" + SECRET))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("invalid_request"));
        for (String grant : List.of("password", "authorization_code", "CLIENT_CREDENTIALS",
                "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")) {
            mvc.perform(form("grant_type=" + grant + "&client_id=" + CLIENT + "&client_secret=" + SECRET))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error").value("unsupported_grant_type"));
            mvc.perform(form("grant_type=" + grant).header(HttpHeaders.AUTHORIZATION, basic(CLIENT, SECRET)))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error").value("unsupported_grant_type"));
        }
        assertThat(simulator.heldAccessTokens()).isZero();
    }

    @Test
    void malformedTokenRequestsAre400InvalidRequest() throws Exception {
        // JSON instead of a form
        mvc.perform(post(TOKEN).contentType(MediaType.APPLICATION_JSON).content("{\"grant_type\": "
                        + "\"client_credentials\", \"client_id\": \"" + CLIENT + "\", \"client_secret\": \"" + SECRET
                        + "\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("invalid_request"));
        // no body at all
        mvc.perform(post(TOKEN).header(HttpHeaders.AUTHORIZATION, basic(CLIENT, SECRET)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("invalid_request"));
        // credentials in the URL
        mvc.perform(post(TOKEN + "?client_secret=" + SECRET).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .content("grant_type=client_credentials&client_id=" + CLIENT))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("invalid_request"));
        // two client authentication methods
        mvc.perform(form("grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=" + SECRET)
                        .header(HttpHeaders.AUTHORIZATION, basic(CLIENT, SECRET)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("invalid_request"));
        // a repeated parameter
        mvc.perform(form("grant_type=client_credentials&grant_type=client_credentials&client_id=" + CLIENT
                        + "&client_secret=" + SECRET))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("invalid_request"));
        assertThat(simulator.heldAccessTokens()).isZero();
    }

    @Test
    void theTokenEndpointIsPostOnly() throws Exception {
        mvc.perform(get(TOKEN)).andExpect(status().isMethodNotAllowed());
    }

    // --- Bearer on the External API ---

    @Test
    void aProfileImportWithABearerTokenWorks() throws Exception {
        String token = accessToken();
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-bearer")), token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.message").value("imported 1 profiles"));
        mvc.perform(get(BASE + "/profiles/u-bearer"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.user_id").value("u-bearer"))
                .andExpect(jsonPath("$.plan").value("gold"));
        // the scheme is case-insensitive, and a Basic-issued token is as good
        String basicToken = objectOf(mvc.perform(form("grant_type=client_credentials")
                .header(HttpHeaders.AUTHORIZATION, basic(CLIENT, SECRET)))).get("access_token").asString();
        mvc.perform(json(post(IMPORT_PROFILE), profileBody(null, "u-basic"))
                        .header(HttpHeaders.AUTHORIZATION, "bearer " + basicToken))
                .andExpect(status().isOk());
        assertThat(simulator.profiles()).containsOnlyKeys("u-bearer", "u-basic");
    }

    @Test
    void listImportAndProfileListingWithABearerTokenWork() throws Exception {
        String token = accessToken();
        mvc.perform(bearer(json(post(IMPORT_LIST), "{\"id\": 123, \"mode\": \"create\", \"items\": [\"a\", \"b\"]}"),
                        token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.message").value("2 items added"));
        mvc.perform(get(BASE + "/lists/123")).andExpect(jsonPath("$", hasSize(2)));
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-1")), token)).andExpect(status().isOk());
        mvc.perform(bearer(json(post(LIST_PROFILE), "{\"limit\": 5}"), token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data", hasSize(1)))
                .andExpect(jsonPath("$.data[0].user_id").value("u-1"));
    }

    @Test
    void anUnknownBearerTokenIs401() throws Exception {
        accessToken();
        for (String authorization : List.of("Bearer not-issued", "Bearer ", "Bearer", "Bearer " + SECRET,
                "Bearer " + APP_TOKEN)) {
            for (MockHttpServletRequestBuilder call : bodiesWithoutAppToken()) {
                mvc.perform(call.header(HttpHeaders.AUTHORIZATION, authorization))
                        .andExpect(status().isUnauthorized())
                        .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\""))
                        .andExpect(jsonPath("$.code").value(401))
                        .andExpect(jsonPath("$.success").value(false))
                        .andExpect(jsonPath("$.message").value("unknown or expired access token"));
            }
        }
        assertThat(simulator.profiles()).isEmpty();
        mvc.perform(get(BASE + "/lists/123")).andExpect(jsonPath("$", empty()));
    }

    @Test
    void anExpiredBearerTokenIs401() throws Exception {
        use(Duration.ofSeconds(1));
        String token = objectOf(mvc.perform(form("grant_type=client_credentials&client_id=" + CLIENT
                + "&client_secret=" + SECRET)).andExpect(jsonPath("$.expires_in").value(1)))
                .get("access_token").asString();
        clock.now = clock.now.plusMillis(999);
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-1")), token)).andExpect(status().isOk());
        clock.now = clock.now.plusMillis(1);
        for (MockHttpServletRequestBuilder call : bodiesWithoutAppToken()) {
            mvc.perform(bearer(call, token))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.success").value(false))
                    .andExpect(jsonPath("$.message").value("unknown or expired access token"));
        }
        assertThat(simulator.profiles()).containsOnlyKeys("u-1");
        // a fresh token works again
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-2")), accessToken()))
                .andExpect(status().isOk());
    }

    @Test
    void theTokenLifetimeIsConfigurable() throws Exception {
        use(Duration.ofMinutes(5));
        mvc.perform(form("grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=" + SECRET))
                .andExpect(jsonPath("$.expires_in").value(300));
    }

    @Test
    void expiredTokensAreDroppedWhenIssuing() throws Exception {
        use(Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            accessToken();
        }
        assertThat(simulator.heldAccessTokens()).isEqualTo(5);
        clock.now = clock.now.plusSeconds(10);
        String fresh = accessToken();
        assertThat(simulator.heldAccessTokens()).isEqualTo(1);
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-1")), fresh)).andExpect(status().isOk());
    }

    @Test
    void theTokenStoreIsBounded() throws Exception {
        String first = accessToken();
        clock.now = clock.now.plusMillis(1);
        for (int i = 1; i < MAX_TOKENS; i++) {
            accessToken();
        }
        assertThat(simulator.heldAccessTokens()).isEqualTo(MAX_TOKENS);
        String last = accessToken();
        assertThat(simulator.heldAccessTokens()).isEqualTo(MAX_TOKENS);
        // the one expiring first made room
        mvc.perform(bearer(json(post(LIST_PROFILE), "{}"), first)).andExpect(status().isUnauthorized());
        mvc.perform(bearer(json(post(LIST_PROFILE), "{}"), last)).andExpect(status().isOk());
    }

    @Test
    void anAppTokenAndABearerTokenTogetherAre400() throws Exception {
        String token = accessToken();
        for (String appToken : List.of("\"" + APP_TOKEN + "\"", "\"wrong\"", "\"\"", "null")) {
            List<MockHttpServletRequestBuilder> calls = List.of(
                    json(post(IMPORT_PROFILE), profileBody(appToken, "u-both")),
                    json(post(IMPORT_LIST), "{\"apptoken\": " + appToken
                            + ", \"id\": 123, \"mode\": \"create\", \"items\": [\"a\"]}"),
                    json(post(LIST_PROFILE), "{\"apptoken\": " + appToken + "}"));
            for (MockHttpServletRequestBuilder call : calls) {
                mvc.perform(bearer(call, token))
                        .andExpect(status().isBadRequest())
                        .andExpect(jsonPath("$.code").value(400))
                        .andExpect(jsonPath("$.success").value(false))
                        .andExpect(jsonPath("$.message").value("give either apptoken or a Bearer token, not both"));
            }
        }
        assertThat(simulator.profiles()).isEmpty();
        mvc.perform(get(BASE + "/lists/123")).andExpect(jsonPath("$", empty()));
    }

    // --- the app token, as before ---

    @Test
    void theAppTokenPathStillWorks() throws Exception {
        mvc.perform(json(post(IMPORT_PROFILE), profileBody("\"" + APP_TOKEN + "\"", "u-app")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.message").value("imported 1 profiles"));
        mvc.perform(json(post(IMPORT_LIST), "{\"apptoken\": \"" + APP_TOKEN
                        + "\", \"id\": 456, \"mode\": \"create\", \"items\": [\"x\"]}"))
                .andExpect(status().isOk());
        mvc.perform(json(post(LIST_PROFILE), "{\"apptoken\": \"" + APP_TOKEN + "\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data[0].user_id").value("u-app"));
        mvc.perform(get(BASE + "/profiles/u-app")).andExpect(status().isOk());
        mvc.perform(get(BASE + "/lists/456")).andExpect(jsonPath("$[0]").value("x"));
        // a non-Bearer Authorization header is not a second credential
        mvc.perform(json(post(LIST_PROFILE), "{\"apptoken\": \"" + APP_TOKEN + "\"}")
                        .header(HttpHeaders.AUTHORIZATION, basic(CLIENT, SECRET)))
                .andExpect(status().isOk());
    }

    @Test
    void aWrongOrMissingAppTokenIsRefusedAsBefore() throws Exception {
        mvc.perform(json(post(IMPORT_PROFILE), profileBody("\"wrong\"", "u-1")))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.code").value(401))
                .andExpect(jsonPath("$.success").value(false))
                .andExpect(jsonPath("$.message").value("invalid apptoken"));
        for (MockHttpServletRequestBuilder call : bodiesWithoutAppToken()) {
            mvc.perform(call)
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.success").value(false))
                    .andExpect(jsonPath("$.message").value(
                            "apptoken (or an 'Authorization: Bearer' access token) is required"));
        }
        // the client secret is not an app token
        mvc.perform(json(post(LIST_PROFILE), "{\"apptoken\": \"" + SECRET + "\"}"))
                .andExpect(status().isUnauthorized());
        assertThat(simulator.profiles()).isEmpty();
    }

    // --- request log and reset ---

    @Test
    void theRequestLogHasTheTokenRequestsButNeitherSecretNorToken() throws Exception {
        String token = accessToken();
        String viaBasic = objectOf(mvc.perform(form("grant_type=client_credentials")
                .header(HttpHeaders.AUTHORIZATION, basic(CLIENT, SECRET)))).get("access_token").asString();
        mvc.perform(form("grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=wrong-" + SECRET))
                .andExpect(status().isUnauthorized());
        mvc.perform(form("grant_type=password&client_id=" + CLIENT + "&client_secret=" + SECRET))
                .andExpect(status().isBadRequest());
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-1")), token)).andExpect(status().isOk());
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-2")), "nope-" + viaBasic))
                .andExpect(status().isUnauthorized());
        mvc.perform(bearer(json(post(IMPORT_LIST), "{\"id\": 123, \"mode\": \"create\", \"items\": [\"a\"]}"),
                viaBasic)).andExpect(status().isOk());

        String log = mvc.perform(get(BASE + "/requests"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$", hasSize(7)))
                .andExpect(jsonPath("$[0].path").value("oauth/token"))
                .andExpect(jsonPath("$[0].status").value(200))
                .andExpect(jsonPath("$[1].path").value("oauth/token"))
                .andExpect(jsonPath("$[1].status").value(200))
                .andExpect(jsonPath("$[2].path").value("oauth/token"))
                .andExpect(jsonPath("$[2].status").value(401))
                .andExpect(jsonPath("$[3].path").value("oauth/token"))
                .andExpect(jsonPath("$[3].status").value(400))
                .andExpect(jsonPath("$[4].path").value("import/profile"))
                .andExpect(jsonPath("$[4].items").value(1))
                .andExpect(jsonPath("$[4].status").value(200))
                .andExpect(jsonPath("$[5].path").value("import/profile"))
                .andExpect(jsonPath("$[5].status").value(401))
                .andExpect(jsonPath("$[6].path").value("import/list"))
                .andExpect(jsonPath("$[6].status").value(200))
                .andReturn().getResponse().getContentAsString();
        assertThat(log).doesNotContain(SECRET).doesNotContain(token).doesNotContain(viaBasic)
                .doesNotContain(b64(CLIENT + ":" + SECRET)).doesNotContain(APP_TOKEN);
        assertThat(simulator.requests().toString()).doesNotContain(SECRET).doesNotContain(token)
                .doesNotContain(viaBasic);
    }

    @Test
    void resetForgetsIssuedTokens() throws Exception {
        String token = accessToken();
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-1")), token)).andExpect(status().isOk());
        mvc.perform(delete(BASE)).andExpect(status().isNoContent());
        assertThat(simulator.heldAccessTokens()).isZero();
        assertThat(simulator.profiles()).isEmpty();
        mvc.perform(get(BASE + "/requests")).andExpect(jsonPath("$", empty()));
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-1")), token))
                .andExpect(status().isUnauthorized());
        mvc.perform(bearer(json(post(IMPORT_PROFILE), profileBody(null, "u-1")), accessToken()))
                .andExpect(status().isOk());
    }

    /** The real wiring: the sandbox profile's bean, its configuration and a real servlet container parsing forms. */
    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
    @ActiveProfiles("sandbox")
    class OverRealHttp {

        static final int PORT = freePort();

        @DynamicPropertySource
        static void port(DynamicPropertyRegistry registry) {
            registry.add("server.port", () -> PORT);
        }

        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> send(String path, String contentType, String body, String authorization)
                throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        @Test
        void theDocumentedSandboxClientGetsATokenThatImports() throws Exception {
            String form = "application/x-www-form-urlencoded";
            HttpResponse<String> byForm = send(TOKEN, form,
                    "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-client-secret",
                    null);
            assertThat(byForm.statusCode()).as(byForm.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(byForm.body());
            assertThat(answer.get("token_type").asString()).isEqualTo("Bearer");
            assertThat(answer.get("expires_in").asInt()).isEqualTo(3600);

            HttpResponse<String> byBasic = send(TOKEN, form, "grant_type=client_credentials",
                    basic("sandbox-client", "sandbox-client-secret"));
            assertThat(byBasic.statusCode()).as(byBasic.body()).isEqualTo(200);
            HttpResponse<String> wrong = send(TOKEN, form, "grant_type=client_credentials",
                    basic("sandbox-client", "wrong"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(wrong.body()).get("error").asString()).isEqualTo("invalid_client");

            String token = answer.get("access_token").asString();
            HttpResponse<String> imported = send(IMPORT_PROFILE, "application/json",
                    "{\"columns\": [\"user_id\", \"plan\"], \"rows\": [[\"u-http\", \"gold\"]]}", "Bearer " + token);
            assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
            HttpResponse<String> profile = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + PORT + BASE + "/profiles/u-http")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(profile.statusCode()).isEqualTo(200);
            HttpResponse<String> log = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + PORT + BASE + "/requests")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(log.body()).contains("oauth/token").doesNotContain("sandbox-client-secret")
                    .doesNotContain(token);
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + BASE)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    // --- helpers ---

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String accessToken() throws Exception {
        return objectOf(mvc.perform(form("grant_type=client_credentials&client_id=" + CLIENT + "&client_secret="
                + SECRET)).andExpect(status().isOk())).get("access_token").asString();
    }

    static JsonNode objectOf(ResultActions result) throws Exception {
        return JSON.readTree(result.andReturn().getResponse().getContentAsString());
    }

    /** The three External API calls, valid but for the missing apptoken. */
    static List<MockHttpServletRequestBuilder> bodiesWithoutAppToken() {
        return List.of(
                json(post(IMPORT_PROFILE), profileBody(null, "u-x")),
                json(post(IMPORT_LIST), "{\"id\": 123, \"mode\": \"create\", \"items\": [\"a\"]}"),
                json(post(LIST_PROFILE), "{}"));
    }

    /** A one-profile import; {@code appToken} is the JSON value of {@code apptoken}, or null for none. */
    static String profileBody(String appToken, String userId) {
        return "{" + (appToken == null ? "" : "\"apptoken\": " + appToken + ", ")
                + "\"columns\": [\"user_id\", \"plan\"], \"rows\": [[\"" + userId + "\", \"gold\"]]}";
    }

    static MockHttpServletRequestBuilder form(String body) {
        return post(TOKEN).contentType(MediaType.APPLICATION_FORM_URLENCODED).content(body);
    }

    static MockHttpServletRequestBuilder json(MockHttpServletRequestBuilder request, String body) {
        return request.contentType(MediaType.APPLICATION_JSON).content(body);
    }

    static MockHttpServletRequestBuilder bearer(MockHttpServletRequestBuilder request, String token) {
        return request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }

    static String basic(String clientId, String clientSecret) {
        return "Basic " + b64(clientId + ":" + clientSecret);
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
