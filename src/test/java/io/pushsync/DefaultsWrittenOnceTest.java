package io.pushsync;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.api.ApiTokenProperties;
import io.pushsync.console.ConsoleProperties;
import io.pushsync.sync.history.HistoryProperties;
import io.pushsync.destination.cleverpush.CleverPushProperties;
import io.pushsync.destination.xtremepush.XtremepushProperties;
import io.pushsync.resilience.ResilienceProperties;
import io.pushsync.state.StateProperties;
import io.pushsync.sync.connections.NamedConnectionsProperties;
import io.pushsync.sync.idempotency.IdempotencyProperties;
import io.pushsync.sync.intake.BatchProperties;
import io.pushsync.sync.jobs.JobProperties;
import io.pushsync.sync.values.PhoneNumberProperties;
import io.pushsync.sync.values.PhoneNumbers;
import io.pushsync.testsupport.ConfigurationRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

/**
 * The defaults of {@code pushsync.*} live in one place: the {@code @ConfigurationProperties} records
 * ({@code @DefaultValue}s and compact constructors). {@code application.yml} sets no {@code pushsync.*} key outside a
 * profile, binding no configuration gives the defaults the README and the contract state, and those tables name
 * keys the records bind. (The Helm chart's values are checked against the records in {@code HelmChartTest}.)
 */
class DefaultsWrittenOnceTest {

    @Test
    void applicationYmlSetsNoPushsyncKeyOutsideAProfile() throws IOException {
        List<PropertySource<?>> documents = new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"));
        assertThat(documents).isNotEmpty();
        for (PropertySource<?> document : documents) {
            if (document.containsProperty("spring.config.activate.on-profile")) {
                continue;
            }
            List<String> pushsyncKeys = Arrays.stream(((EnumerablePropertySource<?>) document).getPropertyNames())
                    .filter(key -> key.toLowerCase(Locale.ROOT).startsWith("pushsync")).toList();
            assertThat(pushsyncKeys).as("pushsync.* keys set in application.yml (%s); their defaults belong in the "
                    + "@ConfigurationProperties records", document.getName()).isEmpty();
        }
    }

    @Test
    void bindingNoConfigurationGivesTheDocumentedDefaults() {
        assertThat(ConfigurationRecords.defaults(ApiTokenProperties.class).apiTokens()).isEmpty();
        assertThat(ConfigurationRecords.defaults(NamedConnectionsProperties.class).connections()).isEmpty();
        assertThat(ConfigurationRecords.defaults(PhoneNumberProperties.class))
                .isEqualTo(new PhoneNumberProperties(PhoneNumbers.Validation.POSSIBLE));
        assertThat(ConfigurationRecords.defaults(BatchProperties.class)).isEqualTo(new BatchProperties(100_000,
                Duration.ofMinutes(10), 200, DataSize.ofKilobytes(64), DataSize.ofMegabytes(100), 64, 20));
        assertThat(ConfigurationRecords.defaults(IdempotencyProperties.class))
                .isEqualTo(new IdempotencyProperties(Duration.ofHours(24), 2_000_000));
        assertThat(ConfigurationRecords.defaults(StateProperties.class)).isEqualTo(new StateProperties("in-process",
                "pushsync:", Duration.ofMinutes(1), Duration.ofHours(1)));
        assertThat(ConfigurationRecords.defaults(JobProperties.class)).isEqualTo(new JobProperties(1_000_000,
                DataSize.ofMegabytes(256), 32, 8, Duration.ofHours(24), Duration.ofHours(24), Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30), 1000, 10_000, 10_000, 20_000,
                Path.of(System.getProperty("java.io.tmpdir"), "pushsync-jobs"),
                new JobProperties.StateWriteRetry(Duration.ofSeconds(30), Duration.ofMillis(250),
                        Duration.ofSeconds(2))));
        assertThat(ConfigurationRecords.defaults(XtremepushProperties.class)).isEqualTo(new XtremepushProperties(
                Map.of("eu", new XtremepushProperties.Region("https://api.eu.xtremepush.com"),
                        "us", new XtremepushProperties.Region("https://api.us.xtremepush.com")),
                5000, 2, 5000, DataSize.ofMegabytes(4), Duration.ofSeconds(60), Duration.ofSeconds(120),
                Duration.ofSeconds(10), "", DataSize.ofMegabytes(2), new XtremepushProperties.Isolation(64),
                new XtremepushProperties.OAuth("/api/oauth/token", "form", "access_token", "expires_in",
                        Duration.ofMinutes(5), Duration.ofSeconds(60), "header", 10_000)));
        assertThat(ConfigurationRecords.defaults(CleverPushProperties.class)).isEqualTo(new CleverPushProperties(
                "https://api.cleverpush.com", 8, Duration.ofSeconds(30), Duration.ofSeconds(10),
                DataSize.ofMegabytes(1), "", 100,
                new CleverPushProperties.SubscriptionIdCache(100_000, Duration.ofHours(1)), Duration.ofSeconds(60)));
        assertThat(ConfigurationRecords.defaults(ResilienceProperties.class)).isEqualTo(new ResilienceProperties(
                Duration.ofHours(1), 10_000, true, Duration.ofSeconds(30), 50));
        assertThat(ConfigurationRecords.defaults(ConsoleProperties.class))
                .isEqualTo(new ConsoleProperties(false, "operator", null));
        assertThat(ConfigurationRecords.defaults(HistoryProperties.class)).isEqualTo(new HistoryProperties(1000));
    }

    @Test
    void everyConfigurationRecordIsKnown() {
        assertThat(ConfigurationRecords.ALL).contains(ApiTokenProperties.class, NamedConnectionsProperties.class,
                PhoneNumberProperties.class, BatchProperties.class, IdempotencyProperties.class, StateProperties.class,
                JobProperties.class, XtremepushProperties.class, CleverPushProperties.class,
                ResilienceProperties.class, ConsoleProperties.class, HistoryProperties.class);
        // every record binds from no configuration (no default refused by its own compact constructor)
        ConfigurationRecords.ALL.forEach(type -> assertThat(ConfigurationRecords.defaults(type)).isNotNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "docs/contract.md"})
    void theDocumentedDefaultsAreTheRecordsDefaults(String file) throws IOException {
        List<Documented> documented = documentedDefaults(Path.of(file));
        assertThat(documented).as("pushsync.* rows with a default in %s", file).hasSizeGreaterThan(20);
        for (Documented row : documented) {
            Map<String, String> setToIt = Map.of(row.key(), row.value());
            assertThat(ConfigurationRecords.boundKeys(setToIt)).as("%s: a key a record binds", row)
                    .containsExactly(row.key());
            for (Class<?> type : ConfigurationRecords.ALL) {
                assertThat((Object) ConfigurationRecords.bind(type, setToIt))
                        .as("%s: setting it to the documented default changes nothing", row)
                        .isEqualTo(ConfigurationRecords.defaults(type));
            }
        }
    }

    record Documented(String key, String value) {
    }

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /**
     * The rows of the markdown tables in {@code file} whose first cell names {@code pushsync.*} keys (a key, then
     * siblings as {@code .name}) and whose second cell gives their defaults (comma-separated, one per key; an
     * explanation in parentheses after it; {@code (empty)} is the empty string; {@code none} has no value to bind).
     */
    static List<Documented> documentedDefaults(Path file) throws IOException {
        List<Documented> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.startsWith("| `pushsync.")) {
                continue;
            }
            String[] cells = line.substring(1).split(" \\| ", 3);
            List<String> keys = new ArrayList<>();
            Matcher code = CODE.matcher(cells[0]);
            while (code.find()) {
                String name = code.group(1);
                keys.add(name.startsWith(".") ? keys.get(0).substring(0, keys.get(0).lastIndexOf('.')) + name : name);
            }
            String defaults = cells[1].replaceAll("\\s*\\|\\s*$", "").trim();
            if (keys.stream().anyMatch(key -> key.contains("<")) || defaults.startsWith("none")) {
                continue;
            }
            if (defaults.startsWith("(empty)")) {
                defaults = "";
            }
            int explanation = defaults.indexOf(" (");
            if (explanation >= 0) {
                defaults = defaults.substring(0, explanation);
            }
            String[] values = keys.size() == 1 ? new String[] {defaults} : defaults.split(", ");
            assertThat(values).as("%s: one default per key %s", file, keys).hasSize(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                rows.add(new Documented(keys.get(i), values[i].replace("`", "").trim()));
            }
        }
        return rows;
    }
}
