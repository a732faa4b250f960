package io.pushsync.sync.connections;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.destination.cleverpush.CleverPushDestination;
import io.pushsync.destination.xtremepush.XtremepushDestination;
import io.pushsync.sync.DestinationRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.Answers;
import org.mockito.Mockito;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Hostile or careless {@code pushsync.connections.*}: an oversized credential, and one connection defined twice in
 * different spellings (YAML {@code crm-eu} and the environment's {@code CRMEU}, which Spring's binder would merge),
 * stop the start-up with a message naming the keys, spellings and sources, never a value.
 */
class NamedConnectionsHostileInputTest {

    static final String TOKEN = "xp-app-token-SECRET-7c1d";
    static final String ENV_TOKEN = "xp-env-token-SECRET-88aa";
    static final String YAML_RESOURCE = "application.yml of the test";

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(NamedConnectionsProperties.class)
    @Import({NamedConnections.class, DestinationRegistry.class})
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Config.class)
            .withBean("xtremepush", XtremepushDestination.class,
                    () -> Mockito.mock(XtremepushDestination.class, Answers.CALLS_REAL_METHODS))
            .withBean("cleverpush", CleverPushDestination.class,
                    () -> Mockito.mock(CleverPushDestination.class, Answers.CALLS_REAL_METHODS));

    /** {@code yaml} as an application.yml (with origins: resource, line, column) and {@code env} as the environment. */
    private ApplicationContextRunner yamlAndEnv(String yaml, Map<String, Object> env) {
        return runner.withInitializer((ConfigurableApplicationContext ctx) -> {
            try {
                new YamlPropertySourceLoader().load("application.yml",
                                new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8), YAML_RESOURCE))
                        .forEach(source -> ctx.getEnvironment().getPropertySources().addLast(source));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ctx.getEnvironment().getPropertySources()
                    .addFirst(new SystemEnvironmentPropertySource("systemEnvironment", env));
        });
    }

    private static String failure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        List<String> messages = new ArrayList<>();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
            messages.add(t.toString());
        }
        return String.join("\n", messages);
    }

    static String huge(String mark) {
        StringBuilder s = new StringBuilder(10 * 1024 * 1024).append(mark);
        while (s.length() < 10 * 1024 * 1024) {
            s.append("q7Zx");
        }
        return s.toString();
    }

    // ---- item 11: a credential is bounded ----

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            xtremepush | app-token     | region=eu
            xtremepush | client-secret | region=eu;client-id=c1
            cleverpush | api-key       | channel-id=chan1
            """)
    void aTenMegabyteCredentialStopsTheStartUpNamingTheKeyNotTheValue(String type, String key, String others) {
        String value = huge("HUGE-SECRET-");
        List<String> properties = new ArrayList<>(List.of("pushsync.connections.big.type=" + type,
                "pushsync.connections.big." + key + "=" + value));
        for (String other : others.split(";")) {
            properties.add("pushsync.connections.big." + other);
        }
        runner.withPropertyValues(properties.toArray(String[]::new)).run(context -> {
            String message = failure(context);
            assertThat(message).contains("pushsync.connections.big." + key + " must match [\\x21-\\x7E]{1,512}")
                    .doesNotContain("HUGE-SECRET").doesNotContain("q7Zxq7Zx");
            assertThat(message.length()).isLessThan(20_000);
        });
    }

    @Test
    void aCredentialOfTheLargestLengthLoads() {
        String value = "T".repeat(512);
        runner.withPropertyValues("pushsync.connections.ok.type=xtremepush", "pushsync.connections.ok.region=eu",
                        "pushsync.connections.ok.app-token=" + value)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(NamedConnections.class).find("ok").orElseThrow().connection()
                            .secret("appToken").reveal()).isEqualTo(value);
                });
    }

    // ---- item 16: one name, two spellings ----

    @Test
    void aYamlNameAndAnEnvironmentNameThatNormaliseEqualStopTheStartUp() {
        yamlAndEnv("""
                pushsync:
                  connections:
                    crm-eu:
                      type: xtremepush
                      region: eu
                      app-token: %s
                      list-ids: [1, 2]
                """.formatted(TOKEN), Map.of(
                        "PUSHSYNC_CONNECTIONS_CRMEU_TYPE", "xtremepush",
                        "PUSHSYNC_CONNECTIONS_CRMEU_REGION", "eu",
                        "PUSHSYNC_CONNECTIONS_CRMEU_APP_TOKEN", ENV_TOKEN,
                        "PUSHSYNC_CONNECTIONS_CRMEU_LIST_IDS", "3"))
                .run(context -> {
                    String message = failure(context);
                    assertThat(message).contains("pushsync.connections: 'crm-eu'", "'crmeu'",
                                    "are one connection name")
                            // where each spelling came from: the YAML file and line, the environment variable
                            .contains(YAML_RESOURCE, "PUSHSYNC_CONNECTIONS_CRMEU_")
                            .doesNotContain(TOKEN).doesNotContain(ENV_TOKEN);
                });
    }

    @Test
    void twoSpellingsInOneFileStopTheStartUp() {
        yamlAndEnv("""
                pushsync:
                  connections:
                    crm-eu:
                      type: xtremepush
                      region: eu
                      app-token: %s
                    CRM_EU:
                      type: xtremepush
                      region: us
                      app-token: %s
                """.formatted(TOKEN, ENV_TOKEN), Map.of())
                .run(context -> assertThat(failure(context)).contains("'CRM_EU'", "'crm-eu'", YAML_RESOURCE)
                        .doesNotContain(TOKEN).doesNotContain(ENV_TOKEN));
    }

    @Test
    void aKeyGivenInTwoSpellingsStopsTheStartUp() {
        // the name is spelled alike (crmeu), so Spring merges the definitions; the token, though, is app-token in
        // the file and app.token (APP_TOKEN) in the environment: two keys, one field
        yamlAndEnv("""
                pushsync:
                  connections:
                    crmeu:
                      type: xtremepush
                      region: eu
                      app-token: %s
                      list-ids: [1, 2]
                """.formatted(TOKEN), Map.of(
                        "PUSHSYNC_CONNECTIONS_CRMEU_APP_TOKEN", ENV_TOKEN,
                        "PUSHSYNC_CONNECTIONS_CRMEU_LIST_IDS", "3"))
                .run(context -> assertThat(failure(context))
                        .contains("pushsync.connections.crmeu.app-token is given in different spellings",
                                "'app-token' (from " + "Byte array resource [" + YAML_RESOURCE,
                                "'app.token' (from \"PUSHSYNC_CONNECTIONS_CRMEU_APP_TOKEN\"",
                                "'list-ids[n]' (from Byte array resource",
                                "pushsync.connections.crmeu.list-ids is given in different spellings")
                        .doesNotContain(TOKEN).doesNotContain(ENV_TOKEN));
    }

    @Test
    void aNameSpelledAlikeInTheFileAndTheEnvironmentIsOneDefinition() {
        // Spring's ordinary override: the file has the plain fields, the environment the secret
        yamlAndEnv("""
                pushsync:
                  connections:
                    crmeu:
                      type: xtremepush
                      region: us
                """, Map.of(
                        "PUSHSYNC_CONNECTIONS_CRMEU_REGION", "eu",
                        "PUSHSYNC_CONNECTIONS_CRMEU_APP_TOKEN", ENV_TOKEN))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    NamedConnection c = context.getBean(NamedConnections.class).find("crmeu").orElseThrow();
                    assertThat(c.connection().value("region")).isEqualTo("eu");
                    assertThat(c.connection().secret("appToken").reveal()).isEqualTo(ENV_TOKEN);
                });
    }

    @Test
    void aDefinitionWithoutTheEnvironmentStillNamesBothSpellings() {
        NamedConnectionsProperties properties = new NamedConnectionsProperties(Map.of(
                "crm-eu", Map.of("type", "xtremepush", "region", "eu", "app-token", TOKEN),
                "crmEU", Map.of("type", "xtremepush", "region", "eu", "app-token", TOKEN)));
        DestinationRegistry registry = new DestinationRegistry(List.of(
                Mockito.mock(XtremepushDestination.class, Answers.CALLS_REAL_METHODS)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NamedConnections(properties, registry))
                .hasMessageContaining("'crm-eu' and 'crmEU' are one connection name")
                .hasMessageNotContaining(TOKEN);
    }
}
