package io.pushsync.sync.connections;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.destination.cleverpush.CleverPushDestination;
import io.pushsync.destination.xtremepush.XtremepushDestination;
import io.pushsync.sync.DestinationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.Answers;
import org.mockito.Mockito;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * {@code pushsync.connections.*} is checked against the real catalog entries of both adapters at start-up: good
 * definitions load; a broken one stops the context with a message naming the key and never the secret value.
 */
class NamedConnectionsBindingTest {

    static final String TOKEN = "xp-app-token-SECRET-7c1d";
    static final String KEY = "cp-api-key-SECRET-91ab";

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(NamedConnectionsProperties.class)
    @Import({NamedConnections.class, DestinationRegistry.class})
    static class Config {
    }

    /** The real adapters' catalog entries ({@code descriptor()}, {@code type()}) without their HTTP machinery. */
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Config.class)
            .withBean("xtremepush", XtremepushDestination.class,
                    () -> Mockito.mock(XtremepushDestination.class, Answers.CALLS_REAL_METHODS))
            .withBean("cleverpush", CleverPushDestination.class,
                    () -> Mockito.mock(CleverPushDestination.class, Answers.CALLS_REAL_METHODS));

    @Test
    void goodXtremepushAndCleverPushDefinitionsLoad() {
        runner.withPropertyValues(
                        "pushsync.connections.crm-eu.type=xtremepush",
                        "pushsync.connections.crm-eu.region=eu",
                        "pushsync.connections.crm-eu.app-token=" + TOKEN,
                        "pushsync.connections.crm-eu.list-ids[0]=123",
                        "pushsync.connections.crm-eu.list-ids[1]=456",
                        "pushsync.connections.cp-main.type=cleverpush",
                        "pushsync.connections.cp-main.channel-id=chanMain01",
                        "pushsync.connections.cp-main.api-key=" + KEY)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    NamedConnections connections = context.getBean(NamedConnections.class);
                    assertThat(connections.names()).containsExactly("cp-main", "crm-eu");
                    NamedConnection xp = connections.find("crm-eu").orElseThrow();
                    assertThat(xp.type()).isEqualTo("xtremepush");
                    assertThat(xp.connection().value("region")).isEqualTo("eu");
                    assertThat(xp.connection().secret("appToken").reveal()).isEqualTo(TOKEN);
                    assertThat(xp.connection().secretNames()).containsExactly("appToken");
                    assertThat(xp.listIds()).containsExactly(123L, 456L);
                    NamedConnection cp = connections.find("cp-main").orElseThrow();
                    assertThat(cp.connection().value("channelId")).isEqualTo("chanMain01");
                    assertThat(cp.connection().secret("apiKey").reveal()).isEqualTo(KEY);
                    assertThat(cp.listIds()).isEmpty();
                    assertThat(connections.summaries()).containsExactly(
                            new ConnectionSummary("cp-main", "cleverpush", List.of()),
                            new ConnectionSummary("crm-eu", "xtremepush", List.of(123L, 456L)));
                    assertThat(xp.toString() + cp + connections.summaries()).doesNotContain(TOKEN, KEY);
                });
    }

    @Test
    void commaSeparatedListIdsLoad() {
        runner.withPropertyValues("pushsync.connections.xp.type=xtremepush", "pushsync.connections.xp.region=us",
                        "pushsync.connections.xp.app-token=" + TOKEN, "pushsync.connections.xp.list-ids=7, 8")
                .run(context -> assertThat(context.getBean(NamedConnections.class).find("xp").orElseThrow()
                        .listIds()).containsExactly(7L, 8L));
    }

    @Test
    void noDefinitionIsNoConnection() {
        runner.run(context -> assertThat(context.getBean(NamedConnections.class).summaries()).isEmpty());
    }

    /**
     * Environment variables: dots become underscores and dashes go, so the name has no dash ({@code crmeu}); a field
     * may be written with or without its dash ({@code APP_TOKEN} binds as {@code app.token}, {@code APPTOKEN} as
     * {@code apptoken}): both are the catalog's {@code appToken}.
     */
    @Test
    void definitionsFromEnvironmentVariablesLoad() {
        runner.withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("systemEnvironment", Map.of(
                                "PUSHSYNC_CONNECTIONS_CRMEU_TYPE", "xtremepush",
                                "PUSHSYNC_CONNECTIONS_CRMEU_REGION", "eu",
                                "PUSHSYNC_CONNECTIONS_CRMEU_APP_TOKEN", TOKEN,
                                "PUSHSYNC_CONNECTIONS_CRMEU_LIST_IDS", "11,12",
                                "PUSHSYNC_CONNECTIONS_CPMAIN_TYPE", "cleverpush",
                                "PUSHSYNC_CONNECTIONS_CPMAIN_CHANNELID", "chanEnv01",
                                "PUSHSYNC_CONNECTIONS_CPMAIN_APIKEY", KEY))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    NamedConnections connections = context.getBean(NamedConnections.class);
                    assertThat(connections.names()).containsExactly("cpmain", "crmeu");
                    NamedConnection xp = connections.find("crmeu").orElseThrow();
                    assertThat(xp.connection().secret("appToken").reveal()).isEqualTo(TOKEN);
                    assertThat(xp.listIds()).containsExactly(11L, 12L);
                    assertThat(connections.find("cpmain").orElseThrow().connection().value("channelId"))
                            .isEqualTo("chanEnv01");
                });
    }

    @Test
    void anOAuthClientFromEnvironmentVariablesLoads() {
        runner.withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("systemEnvironment", Map.of(
                                "PUSHSYNC_CONNECTIONS_NEWXP_TYPE", "xtremepush",
                                "PUSHSYNC_CONNECTIONS_NEWXP_REGION", "us",
                                "PUSHSYNC_CONNECTIONS_NEWXP_CLIENT_ID", "client-42",
                                "PUSHSYNC_CONNECTIONS_NEWXP_CLIENT_SECRET", TOKEN))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    NamedConnection xp = context.getBean(NamedConnections.class).find("newxp").orElseThrow();
                    assertThat(xp.connection().value("clientId")).isEqualTo("client-42");
                    assertThat(xp.connection().secret("clientSecret").reveal()).isEqualTo(TOKEN);
                    assertThat(xp.connection().secretNames()).containsExactly("clientSecret");
                    assertThat(xp.toString()).doesNotContain(TOKEN);
                });
    }

    /**
     * A dash in the name cannot come from an environment variable: {@code PUSHSYNC_CONNECTIONS_CRM_EU_TYPE} is
     * {@code pushsync.connections.crm.eu.type}, a connection {@code crm} without a type. It fails loudly.
     */
    @Test
    void aDashedNameCannotComeFromEnvironmentVariables() {
        runner.withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("systemEnvironment", Map.of(
                                "PUSHSYNC_CONNECTIONS_CRM_EU_TYPE", "xtremepush",
                                "PUSHSYNC_CONNECTIONS_CRM_EU_REGION", "eu",
                                "PUSHSYNC_CONNECTIONS_CRM_EU_APP_TOKEN", TOKEN))))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("pushsync.connections.crm.type is required");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing secret     | pushsync.connections.bad.type=xtremepush;pushsync.connections.bad.region=eu                                                         | pushsync.connections.bad: credentials are required: app-token, or client-id and client-secret
            two kinds          | pushsync.connections.bad.type=xtremepush;pushsync.connections.bad.region=eu;pushsync.connections.bad.app-token=SECRETVALUE;pushsync.connections.bad.client-id=c1;pushsync.connections.bad.client-secret=SECRETVALUE | pushsync.connections.bad.client-id: give one kind of credentials, not several
            half a client      | pushsync.connections.bad.type=xtremepush;pushsync.connections.bad.region=eu;pushsync.connections.bad.client-id=c1 | pushsync.connections.bad.client-secret: client-secret is required with client-id
            wrong region       | pushsync.connections.bad.type=xtremepush;pushsync.connections.bad.region=asia;pushsync.connections.bad.app-token=SECRETVALUE          | pushsync.connections.bad.region must be one of [eu, us] for type xtremepush
            unknown type       | pushsync.connections.bad.type=onesignal;pushsync.connections.bad.api-key=SECRETVALUE                                                   | pushsync.connections.bad.type must be one of [cleverpush, xtremepush]
            missing type       | pushsync.connections.bad.api-key=SECRETVALUE                                                                                          | pushsync.connections.bad.type is required
            unknown field      | pushsync.connections.bad.type=cleverpush;pushsync.connections.bad.channel-id=chan1;pushsync.connections.bad.api-key=SECRETVALUE;pushsync.connections.bad.app-token=SECRETVALUE | pushsync.connections.bad.app-token is not a connection field of type cleverpush
            list-ids on cleverpush | pushsync.connections.bad.type=cleverpush;pushsync.connections.bad.channel-id=chan1;pushsync.connections.bad.api-key=SECRETVALUE;pushsync.connections.bad.list-ids=5 | pushsync.connections.bad.list-ids is not allowed for type cleverpush
            list-ids not positive  | pushsync.connections.bad.type=xtremepush;pushsync.connections.bad.region=eu;pushsync.connections.bad.app-token=SECRETVALUE;pushsync.connections.bad.list-ids=0 | pushsync.connections.bad.list-ids must be positive integers
            secret with a newline  | pushsync.connections.bad.type=cleverpush;pushsync.connections.bad.channel-id=chan1;pushsync.connections.bad.api-key=SECRET VALUE | pushsync.connections.bad.api-key must match
            """)
    void aBrokenDefinitionStopsTheStartUpNamingTheKeyNotTheSecret(String what, String properties, String expected) {
        runner.withPropertyValues(properties.trim().split(";")).run(context -> {
            assertThat(context).hasFailed();
            List<String> messages = new ArrayList<>();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.add(String.valueOf(t.getMessage()));
                messages.add(t.toString());
            }
            assertThat(String.join("\n", messages)).as(what).contains(expected)
                    .doesNotContain("SECRETVALUE").doesNotContain("SECRET VALUE");
        });
    }
}
