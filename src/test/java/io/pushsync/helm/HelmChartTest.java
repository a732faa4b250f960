package io.pushsync.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.pushsync.testsupport.ConfigurationRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Helm chart {@code helm/pushsync}, linted and rendered in-process by helm-java (no helm binary): the manifests
 * it renders for the default values and for {@code ci/production-values.yaml}, and what it refuses to render.
 */
class HelmChartTest {

    static final Path CHART = Path.of("helm", "pushsync");
    static final Path PRODUCTION_VALUES = CHART.resolve("ci/production-values.yaml");

    @TempDir
    Path tmp;

    // ---- lint --------------------------------------------------------------------------------------------------

    @Test
    void lintStrictPassesWithDefaultValues() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    }

    @Test
    void lintStrictPassesWithProductionValues() throws IOException {
        // helm-java's lint takes no values file: lint a copy of the chart whose values.yaml is the production file
        // merged over the defaults (what helm does with -f)
        Path chart = copyChart(tmp.resolve("pushsync"));
        Map<String, Object> merged = deepMerge(loadMap(CHART.resolve("values.yaml")), loadMap(PRODUCTION_VALUES));
        Files.writeString(chart.resolve("values.yaml"), new Yaml().dump(merged));

        LintResult result = new Helm(chart).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    }

    // ---- default values ----------------------------------------------------------------------------------------

    @Test
    void defaultsRenderASingleReplicaWithProbesOnTheHttpPort() {
        Manifests m = render(t -> t);
        Map<String, Object> deployment = m.one("Deployment");
        assertThat(at(deployment, "spec.replicas")).isEqualTo(1);
        Map<String, Object> container = container(deployment);

        assertThat(list(container, "ports")).singleElement()
                .satisfies(p -> assertThat(map(p)).containsEntry("name", "http").containsEntry("containerPort", 8080));
        assertThat(at(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(container, "livenessProbe.httpGet.port")).isEqualTo("http");
        assertThat(at(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
        assertThat(at(container, "readinessProbe.httpGet.port")).isEqualTo("http");
        assertThat(at(container, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(container, "startupProbe.httpGet.port")).isEqualTo("http");
        assertThat((Integer) at(container, "startupProbe.failureThreshold")).isGreaterThanOrEqualTo(30);

        assertThat(at(container, "image")).isEqualTo("pushsync:0.1.0"); // tag defaults to appVersion
        assertThat(at(container, "resources.requests")).isNotNull();
        assertThat(at(container, "resources.limits")).isNotNull();
        assertThat(env(container)).containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError")
                .containsEntry("SPRING_CONFIG_ADDITIONAL_LOCATION", "optional:file:/config/")
                .containsEntry("PUSHSYNC_STATE_STORE", "in-process")
                .doesNotContainKeys("SPRING_DATA_REDIS_HOST", "MANAGEMENT_HEALTH_REDIS_ENABLED", "PUSHSYNC_API_TOKENS");

        Map<String, Object> service = m.one("Service");
        assertThat(at(service, "spec.type")).isEqualTo("ClusterIP");
        assertThat(list(service, "spec.ports")).singleElement().satisfies(p -> assertThat(map(p))
                .containsEntry("port", 80).containsEntry("targetPort", "http"));

        assertThat(m.kinds()).doesNotContain("HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor", "Secret");
        assertThat(m.kinds()).contains("ServiceAccount", "ConfigMap");
        assertThat(at(m.one("ServiceAccount"), "automountServiceAccountToken")).isEqualTo(false);
        assertThat(at(deployment, "spec.template.spec.automountServiceAccountToken")).isEqualTo(false);
    }

    @Test
    void podAndContainerAreLockedDown() {
        Map<String, Object> deployment = render(t -> t).one("Deployment");
        Map<String, Object> pod = map(at(deployment, "spec.template.spec"));

        assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(at(pod, "securityContext.runAsUser")).isEqualTo(10001);
        assertThat(at(pod, "securityContext.runAsGroup")).isEqualTo(10001);
        assertThat(at(pod, "securityContext.fsGroup")).isEqualTo(10001);
        assertThat(at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");

        Map<String, Object> container = container(deployment);
        assertThat(at(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(at(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(container, "securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));

        // the read-only root filesystem leaves /tmp to an emptyDir
        String tmpVolume = list(container, "volumeMounts").stream().map(HelmChartTest::map)
                .filter(v -> "/tmp".equals(v.get("mountPath"))).map(v -> (String) v.get("name"))
                .findFirst().orElseThrow(() -> new AssertionError("no volume mounted at /tmp"));
        assertThat(list(pod, "volumes").stream().map(HelmChartTest::map)
                .filter(v -> tmpVolume.equals(v.get("name"))).findFirst().orElseThrow())
                .containsKey("emptyDir");
        // job bodies wait there (pushsync.jobs.spool-dir): bounded, so a full queue cannot fill the node's disk
        assertThat(list(pod, "volumes").stream().map(HelmChartTest::map)
                .filter(v -> tmpVolume.equals(v.get("name"))).map(v -> at(v, "emptyDir.sizeLimit")).findFirst())
                .contains("12Gi");
        assertThat(map(list(map(at(render(t -> t.set("tmpVolume.sizeLimit", "")).one("Deployment"),
                "spec.template.spec")), "volumes").get(0)).get("emptyDir")).as("no limit when empty")
                .satisfiesAnyOf(e -> assertThat(e).isNull(), e -> assertThat(map(e)).doesNotContainKey("sizeLimit"));

        // longer than spring.lifecycle.timeout-per-shutdown-phase (630s)
        assertThat((Integer) at(pod, "terminationGracePeriodSeconds")).isGreaterThan(630);
    }

    @Test
    void configMapCarriesTheApplicationConfigAndItsChecksumRollsThePods() {
        Manifests m = render(t -> t);
        Map<String, Object> config = applicationYaml(m);
        assertThat(at(config, "pushsync.xtremepush.regions.eu.base-url")).isEqualTo("https://api.eu.xtremepush.com");
        assertThat(at(config, "pushsync.xtremepush.regions.us.base-url")).isEqualTo("https://api.us.xtremepush.com");
        assertThat(at(config, "pushsync.cleverpush.base-url")).isEqualTo("https://api.cleverpush.com");
        assertThat(at(config, "pushsync.batch.max-rows")).isEqualTo(100000);
        assertThat(at(config, "pushsync.jobs.max-running")).isEqualTo(32);
        assertThat(at(config, "pushsync.jobs.max-rows-in-memory")).isEqualTo(20000);
        assertThat(at(config, "resilience4j.ratelimiter.configs.xtremepush.limit-for-period")).isEqualTo(5);
        assertThat(at(config, "resilience4j.retry.configs.cleverpush.max-attempts")).isEqualTo(4);

        Map<String, Object> deployment = m.one("Deployment");
        Map<String, Object> container = container(deployment);
        String configMapName = (String) at(m.one("ConfigMap"), "metadata.name");
        String configVolume = list(container, "volumeMounts").stream().map(HelmChartTest::map)
                .filter(v -> "/config".equals(v.get("mountPath"))).map(v -> (String) v.get("name"))
                .findFirst().orElseThrow(() -> new AssertionError("no volume mounted at /config"));
        assertThat(list(deployment, "spec.template.spec.volumes").stream().map(HelmChartTest::map)
                .filter(v -> configVolume.equals(v.get("name"))).findFirst().orElseThrow())
                .extracting(v -> at(v, "configMap.name")).isEqualTo(configMapName);

        String checksum = (String) at(deployment, "spec.template.metadata.annotations.checksum/config");
        assertThat(checksum).hasSize(64);
        String changed = (String) at(render(t -> t.set("config.pushsync.batch.max-rows", 5000)).one("Deployment"),
                "spec.template.metadata.annotations.checksum/config");
        assertThat(changed).isNotEqualTo(checksum);
    }

    @Test
    void configDefaultsAreTheJarsDefaults() throws IOException {
        // every key the chart sets by default is one the jar reads, set to the jar's default (no typo, no drift):
        // pushsync.* keys against the @ConfigurationProperties records, the others against application.yml
        Map<String, Object> jar = flatten("", loadMap(Path.of("src/main/resources/application.yml")));
        Map<String, Object> chart = flatten("", applicationYaml(render(t -> t)));
        Map<String, Object> pushsync = new LinkedHashMap<>();
        chart.forEach((key, value) -> {
            if (key.startsWith("pushsync.")) {
                pushsync.put(key, value);
            } else {
                assertThat(jar).as(key).containsEntry(key, value);
            }
        });
        assertThat(pushsync).isNotEmpty();
        assertThat(ConfigurationRecords.boundKeys(pushsync)).as("pushsync.* keys of the chart the records bind")
                .containsExactlyInAnyOrderElementsOf(pushsync.keySet());
        for (Class<?> type : ConfigurationRecords.ALL) {
            assertThat((Object) ConfigurationRecords.bind(type, pushsync)).as(type.getSimpleName())
                    .isEqualTo(ConfigurationRecords.defaults(type));
        }
    }

    @Test
    void freeFormConfigPassesThrough() {
        Manifests m = render(t -> t.set("config.pushsync.cleverpush.base-url", "https://cleverpush.internal")
                .set("config.logging.level.io\\.pushsync", "DEBUG"));
        Map<String, Object> config = applicationYaml(m);
        assertThat(at(config, "pushsync.cleverpush.base-url")).isEqualTo("https://cleverpush.internal");
        assertThat(map(at(config, "logging.level"))).containsEntry("io.pushsync", "DEBUG");
        assertThat(at(config, "pushsync.xtremepush.regions.eu.base-url")).isEqualTo("https://api.eu.xtremepush.com");
    }

    // ---- caller tokens -----------------------------------------------------------------------------------------

    @Test
    void apiTokensGoIntoASecretTheChartCreates() {
        Manifests m = render(t -> t.set("apiTokens[0]", "token-a").set("apiTokens[1]", "token-b"));
        Map<String, Object> secret = m.one("Secret");
        String encoded = (String) at(secret, "data.api-tokens");
        assertThat(new String(java.util.Base64.getDecoder().decode(encoded))).isEqualTo("token-a,token-b");

        Map<String, Object> ref = secretKeyRef(container(m.one("Deployment")), "PUSHSYNC_API_TOKENS");
        assertThat(ref).containsEntry("name", at(secret, "metadata.name")).containsEntry("key", "api-tokens");
        // the tokens never appear in the Deployment or the ConfigMap
        assertThat(m.raw()).doesNotContain("token-a");
    }

    @Test
    void existingSecretIsReferencedAndTheChartCreatesNone() {
        Manifests m = render(t -> t.set("existingSecret.name", "my-tokens").set("existingSecret.key", "tokens")
                .set("apiTokens[0]", "ignored-token"));
        assertThat(m.kinds()).doesNotContain("Secret");
        assertThat(secretKeyRef(container(m.one("Deployment")), "PUSHSYNC_API_TOKENS"))
                .containsEntry("name", "my-tokens").containsEntry("key", "tokens");
    }

    @Test
    void theConsoleIsOffByDefaultAndItsPasswordComesOnlyFromASecret() {
        Map<String, Object> off = container(render(t -> t).one("Deployment"));
        assertThat(env(off)).doesNotContainKeys("PUSHSYNC_CONSOLE_ENABLED", "PUSHSYNC_CONSOLE_PASSWORD");

        Map<String, Object> on = container(render(t -> t.set("console.enabled", true)
                .set("console.username", "ops").set("console.existingSecret", "console-login")).one("Deployment"));
        assertThat(env(on)).containsEntry("PUSHSYNC_CONSOLE_ENABLED", "true")
                .containsEntry("PUSHSYNC_CONSOLE_USERNAME", "ops");
        assertThat(secretKeyRef(on, "PUSHSYNC_CONSOLE_PASSWORD"))
                .containsEntry("name", "console-login").containsEntry("key", "console-password");
        assertThatThrownBy(() -> render(t -> t.set("console.enabled", true)))
                .hasMessageContaining("console.existingSecret is required when console.enabled");
    }

    // ---- production values -------------------------------------------------------------------------------------

    @Test
    void productionValuesRenderRedisHpaPdbAndServiceMonitor() {
        Manifests m = render(t -> t.withValuesFile(PRODUCTION_VALUES));
        Map<String, Object> deployment = m.one("Deployment");
        assertThat(map(at(deployment, "spec"))).doesNotContainKey("replicas"); // the HPA owns it

        Map<String, Object> container = container(deployment);
        assertThat(env(container)).containsEntry("PUSHSYNC_STATE_STORE", "redis")
                .containsEntry("SPRING_DATA_REDIS_HOST", "redis-master.redis.svc.cluster.local")
                .containsEntry("SPRING_DATA_REDIS_PORT", "6379")
                .containsEntry("SPRING_DATA_REDIS_DATABASE", "0")
                .containsEntry("SPRING_DATA_REDIS_SSL_ENABLED", "false")
                .containsEntry("MANAGEMENT_HEALTH_REDIS_ENABLED", "true");
        assertThat(secretKeyRef(container, "SPRING_DATA_REDIS_PASSWORD"))
                .containsEntry("name", "redis").containsEntry("key", "redis-password");
        assertThat(secretKeyRef(container, "PUSHSYNC_API_TOKENS"))
                .containsEntry("name", "pushsync-api-tokens").containsEntry("key", "api-tokens");
        assertThat(m.kinds()).doesNotContain("Secret");
        assertThat(at(container, "resources.limits.memory")).isEqualTo("4Gi");

        Map<String, Object> hpa = m.one("HorizontalPodAutoscaler");
        assertThat(at(hpa, "apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(at(hpa, "spec.minReplicas")).isEqualTo(3);
        assertThat(at(hpa, "spec.maxReplicas")).isEqualTo(10);
        assertThat(at(hpa, "spec.scaleTargetRef.name")).isEqualTo(at(deployment, "metadata.name"));

        Map<String, Object> pdb = m.one("PodDisruptionBudget");
        assertThat((Integer) at(pdb, "spec.minAvailable")).isGreaterThanOrEqualTo(1);
        assertThat(at(pdb, "spec.selector.matchLabels")).isEqualTo(at(deployment, "spec.selector.matchLabels"));

        Map<String, Object> monitor = m.one("ServiceMonitor");
        assertThat(list(monitor, "spec.endpoints")).singleElement().satisfies(e -> assertThat(map(e))
                .containsEntry("port", "http").containsEntry("path", "/actuator/prometheus").containsKey("interval"));
        assertThat(at(monitor, "spec.selector.matchLabels")).isEqualTo(at(m.one("Service"), "spec.selector"));

        // production values tune the config; the rest of the defaults are still there
        assertThat(at(applicationYaml(m), "pushsync.cleverpush.base-url")).isEqualTo("https://api.cleverpush.com");
    }

    @Test
    void pdbDefaultsToMinAvailableOneAndServiceMonitorOnlyWhenEnabled() {
        Manifests m = render(t -> t.set("pdb.enabled", true).set("serviceMonitor.enabled", true));
        assertThat(at(m.one("PodDisruptionBudget"), "spec.minAvailable")).isEqualTo(1);
        assertThat(m.kinds()).contains("ServiceMonitor");
        assertThat(render(t -> t).kinds()).doesNotContain("ServiceMonitor", "PodDisruptionBudget");
    }

    // ---- Grafana dashboard and alert rules ----------------------------------------------------------------------

    static final String[] ALERTS = {"PushsyncRejectedRows", "PushsyncCircuitOpen", "PushsyncVendorRateLimited",
            "PushsyncJobsInterrupted", "PushsyncReplicasNotReady"};

    @Test
    void defaultsRenderNeitherTheDashboardNorTheAlertRules() {
        Manifests m = render(t -> t);
        assertThat(m.kinds()).doesNotContain("PrometheusRule");
        assertThat(m.kinds().stream().filter("ConfigMap"::equals)).as("only the application's ConfigMap").hasSize(1);
        assertThat(m.raw()).doesNotContain("grafana_dashboard");
    }

    @Test
    void theDashboardConfigMapCarriesTheSidecarLabelAndTheDashboardJson() throws IOException {
        Manifests m = render(t -> t.set("grafana.dashboard.enabled", true)
                .set("grafana.dashboard.annotations.grafana_folder", "Sync"));
        Map<String, Object> dashboard = dashboardConfigMap(m);
        assertThat(at(dashboard, "metadata.name")).isEqualTo("pushsync-dashboard");
        assertThat(map(at(dashboard, "metadata.labels"))).containsEntry("grafana_dashboard", "1")
                .containsEntry("app.kubernetes.io/instance", "pushsync");
        assertThat(map(at(dashboard, "metadata.annotations"))).containsEntry("grafana_folder", "Sync");

        JsonMapper json = JsonMapper.builder().build();
        JsonNode shipped = json.readTree((String) at(dashboard, "data.pushsync.json"));
        assertThat(shipped).isEqualTo(json.readTree(Files.readString(CHART.resolve("dashboards/pushsync.json"))));
        assertThat(shipped.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        assertThat(shipped.at("/templating/list/0/name").asString()).isEqualTo("datasource");
        assertThat(shipped.at("/templating/list/0/type").asString()).isEqualTo("datasource");
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : shipped.get("panels")) {
            titles.add(panel.get("title").asString());
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.at("/datasource/uid").asString()).as(panel.get("title").asString())
                        .isEqualTo("${datasource}");
            }
        }
        assertThat(titles).contains("Rows/s by destination and status", "Failed-row ratio",
                "Batch duration p50 / p95 / p99", "Vendor request latency p50 / p95 / p99", "Retries/s and 429s/s",
                "Circuits by state", "Rate-limited accounts", "Jobs running / queued", "JVM heap used vs max",
                "Job rows in memory");

        Map<String, Object> relabelled = dashboardConfigMap(render(t -> t.set("grafana.dashboard.enabled", true)
                .set("grafana.dashboard.label", "dashboards").set("grafana.dashboard.labelValue", "pushsync")));
        assertThat(map(at(relabelled, "metadata.labels"))).containsEntry("dashboards", "pushsync")
                .doesNotContainKey("grafana_dashboard");
    }

    @Test
    void thePrometheusRuleTakesItsThresholdsFromTheValues() throws IOException {
        Map<String, Object> rule = render(t -> t.set("prometheusRule.enabled", true)
                .set("prometheusRule.labels.release", "kube-prometheus-stack")).one("PrometheusRule");
        assertThat(at(rule, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(map(at(rule, "metadata.labels"))).containsEntry("release", "kube-prometheus-stack");
        Map<String, Map<String, Object>> alerts = alerts(rule);
        assertThat(alerts.keySet()).containsExactly(ALERTS);
        String sel = "namespace=\"sync\",job=\"pushsync\"";
        assertThat((String) alerts.get("PushsyncRejectedRows").get("expr"))
                .contains("rate(pushsync_rows_total{" + sel + ",status=\"failed\"}[15m])").endsWith("> 0.05");
        assertThat(alerts.get("PushsyncRejectedRows")).containsEntry("for", "5m");
        assertThat(alerts.get("PushsyncCircuitOpen")).containsEntry("for", "10m");
        assertThat((String) alerts.get("PushsyncCircuitOpen").get("expr"))
                .contains("pushsync_vendor_circuits{" + sel + ",state=~\"open|half_open\"}");
        assertThat(alerts.get("PushsyncVendorRateLimited")).containsEntry("for", "15m");
        assertThat((String) alerts.get("PushsyncVendorRateLimited").get("expr")).contains("outcome=\"429\"");
        assertThat((String) alerts.get("PushsyncJobsInterrupted").get("expr"))
                .contains("increase(pushsync_jobs_finished_total{" + sel + ",state=\"interrupted\"}[30m])");
        assertThat(alerts.get("PushsyncReplicasNotReady")).containsEntry("for", "10m");
        assertThat((String) alerts.get("PushsyncReplicasNotReady").get("expr"))
                .contains("deployment=\"pushsync\"");

        String operations = Files.readString(Path.of("docs", "operations.md"));
        for (String name : ALERTS) {
            Map<String, Object> annotations = map(alerts.get(name).get("annotations"));
            assertThat((String) annotations.get("summary")).as(name).isNotBlank();
            assertThat((String) annotations.get("description")).as(name).isNotBlank();
            assertThat(annotations).as(name).containsEntry("runbook_url",
                    "docs/operations.md#" + name.toLowerCase(java.util.Locale.ROOT));
            assertThat(operations).as("the runbook section of " + name).contains("### " + name + "\n");
            assertThat(map(alerts.get(name).get("labels"))).containsEntry("severity", "warning");
        }

        Map<String, Map<String, Object>> tuned = alerts(render(t -> t.set("prometheusRule.enabled", true)
                .set("prometheusRule.rejectedRatio", 0.2).set("prometheusRule.rejectedRatioWindow", "1h")
                .set("prometheusRule.rejectedRatioFor", "2m").set("prometheusRule.circuitOpenMinutes", 3)
                .set("prometheusRule.rateLimitedMinutes", 45).set("prometheusRule.interruptedJobsWindow", "2h")
                .set("prometheusRule.replicasNotReadyMinutes", 20).set("prometheusRule.severity", "critical")
                .set("prometheusRule.metricSelector", "cluster=\"eu\",service=\"sync\"")
                .set("prometheusRule.runbookBaseUrl", "https://docs.example.com/pushsync/operations"))
                .one("PrometheusRule"));
        assertThat((String) tuned.get("PushsyncRejectedRows").get("expr"))
                .contains("pushsync_rows_total{cluster=\"eu\",service=\"sync\",status=\"failed\"}[1h]")
                .endsWith("> 0.2").doesNotContain("namespace=");
        assertThat(tuned.get("PushsyncRejectedRows")).containsEntry("for", "2m");
        assertThat(tuned.get("PushsyncCircuitOpen")).containsEntry("for", "3m");
        assertThat(tuned.get("PushsyncVendorRateLimited")).containsEntry("for", "45m");
        assertThat((String) tuned.get("PushsyncJobsInterrupted").get("expr")).contains("[2h]");
        assertThat(tuned.get("PushsyncReplicasNotReady")).containsEntry("for", "20m");
        assertThat(map(tuned.get("PushsyncCircuitOpen").get("labels"))).containsEntry("severity", "critical");
        assertThat(map(tuned.get("PushsyncCircuitOpen").get("annotations"))).containsEntry("runbook_url",
                "https://docs.example.com/pushsync/operations#pushsynccircuitopen");
    }

    @Test
    void theAlertRulesPassPromtool() throws Exception {
        Path promtool = findOnPath("promtool");
        if (promtool == null && "true".equalsIgnoreCase(System.getenv("PUSHSYNC_REQUIRE_PROMTOOL"))) {
            throw new IllegalStateException("promtool not installed (PUSHSYNC_REQUIRE_PROMTOOL=true: the rules must "
                    + "be checked); apt-get install -y prometheus");
        }
        Assumptions.assumeTrue(promtool != null,
                "promtool not installed: no promtool on PATH or at /usr/bin (apt-get install -y prometheus)");

        for (Map.Entry<String, UnaryOperator<TemplateCommand>> values : Map.<String, UnaryOperator<TemplateCommand>>of(
                "defaults", t -> t.set("prometheusRule.enabled", true),
                "production", t -> t.withValuesFile(PRODUCTION_VALUES).set("prometheusRule.enabled", true)).entrySet()) {
            // the PrometheusRule's spec is a Prometheus rules file (groups)
            Path rules = tmp.resolve(values.getKey() + "-rules.yaml");
            Files.writeString(rules, new Yaml().dump(at(render(values.getValue()).one("PrometheusRule"), "spec")));
            Process check = new ProcessBuilder(promtool.toString(), "check", "rules", rules.toString())
                    .redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor()).as("promtool check rules (%s values): %s", values.getKey(), output)
                    .isZero();
            assertThat(output).contains("SUCCESS: " + ALERTS.length + " rules found");
        }
    }

    static Map<String, Object> dashboardConfigMap(Manifests m) {
        List<Map<String, Object>> found = m.documents().stream().filter(d -> "ConfigMap".equals(d.get("kind")))
                .filter(d -> map(at(d, "data")).containsKey("pushsync.json")).toList();
        assertThat(found).as("the dashboard ConfigMap").hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> alerts(Map<String, Object> prometheusRule) {
        Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
        for (Object group : list(prometheusRule, "spec.groups")) {
            for (Object rule : list(map(group), "rules")) {
                alerts.put((String) map(rule).get("alert"), map(rule));
            }
        }
        return alerts;
    }

    static Path findOnPath(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/bin");
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    // ---- NOTES.txt ---------------------------------------------------------------------------------------------

    @Test
    void notesNameTheTokenSecretAndWarnAboutInProcessState() {
        String defaults = new Helm(CHART).install().withName("pushsync").withNamespace("sync").dryRun().clientOnly()
                .call().getOutput();
        assertThat(defaults).contains("port-forward svc/pushsync 8080:80", "/actuator/health/liveness",
                "/actuator/health/readiness", "every /v1 call is refused",
                "More than one replica (replicaCount or autoscaling.maxReplicas) needs state.store=redis");

        String production = new Helm(CHART).install().withName("pushsync").withNamespace("sync").dryRun()
                .clientOnly().withValuesFile(PRODUCTION_VALUES).call().getOutput();
        assertThat(production).contains("Secret pushsync-api-tokens, key api-tokens", "State: redis")
                .doesNotContain("WARNING");
    }

    // ---- the multi-replica guard -------------------------------------------------------------------------------

    @Test
    void twoReplicasWithInProcessStateFailToRender() {
        assertThatThrownBy(() -> render(t -> t.set("replicaCount", 2)))
                .hasMessageContaining("replicaCount > 1 needs state.store=redis");
    }

    @Test
    void autoscalingBeyondOneReplicaWithInProcessStateFailsToRender() {
        assertThatThrownBy(() -> render(t -> t.set("autoscaling.enabled", true).set("autoscaling.maxReplicas", 3)))
                .hasMessageContaining("autoscaling.maxReplicas > 1 needs state.store=redis");
    }

    @Test
    void twoReplicasWithRedisRender() {
        Manifests m = render(t -> t.set("replicaCount", 2).set("state.store", "redis")
                .set("state.redis.host", "redis.local"));
        assertThat(at(m.one("Deployment"), "spec.replicas")).isEqualTo(2);
        assertThat(env(container(m.one("Deployment")))).containsEntry("SPRING_DATA_REDIS_HOST", "redis.local")
                .doesNotContainKey("SPRING_DATA_REDIS_PASSWORD");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    record Manifests(String raw, List<Map<String, Object>> documents) {

        List<String> kinds() {
            return documents.stream().map(d -> (String) d.get("kind")).toList();
        }

        Map<String, Object> one(String kind) {
            List<Map<String, Object>> found = documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
            assertThat(found).as("rendered %s", kind).hasSize(1);
            return found.get(0);
        }
    }

    static Manifests render(UnaryOperator<TemplateCommand> options) {
        String out = options.apply(new Helm(CHART).template().withName("pushsync").withNamespace("sync")).call();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(out)) {
            if (doc != null) {
                docs.add(map(doc));
            }
        }
        return new Manifests(out, docs);
    }

    static Map<String, Object> applicationYaml(Manifests m) {
        String yaml = (String) at(m.one("ConfigMap"), "data.application.yaml");
        return map(new Yaml().load(yaml));
    }

    static Map<String, Object> container(Map<String, Object> deployment) {
        List<Object> containers = list(deployment, "spec.template.spec.containers");
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    /** Plain env values by name (entries with valueFrom map to null). */
    static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object e : list(container, "env")) {
            Map<String, Object> entry = map(e);
            env.put((String) entry.get("name"), (String) entry.get("value"));
        }
        return env;
    }

    static Map<String, Object> secretKeyRef(Map<String, Object> container, String name) {
        Map<String, Object> entry = list(container, "env").stream().map(HelmChartTest::map)
                .filter(e -> name.equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
        assertThat(entry).doesNotContainKey("value");
        return map(Objects.requireNonNull(at(entry, "valueFrom.secretKeyRef"), name + " is not a secretKeyRef"));
    }

    /**
     * The value at a dotted path; a key that holds a dot itself (annotation names, {@code application.yaml}) is
     * matched greedily: the longest run of segments that is a key wins.
     */
    static Object at(Map<String, Object> root, String path) {
        String[] parts = path.split("\\.");
        Object current = root;
        int i = 0;
        while (i < parts.length) {
            if (!(current instanceof Map<?, ?> node)) {
                return null;
            }
            boolean found = false;
            for (int j = parts.length; j > i; j--) {
                String key = String.join(".", java.util.Arrays.copyOfRange(parts, i, j));
                if (node.containsKey(key)) {
                    current = node.get(key);
                    i = j;
                    found = true;
                    break;
                }
            }
            if (!found) {
                return null;
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> root, String path) {
        Object o = at(root, path);
        assertThat(o).as(path).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    static Map<String, Object> loadMap(Path file) throws IOException {
        return map(new Yaml().load(Files.readString(file)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> flatten(String prefix, Map<String, Object> tree) {
        Map<String, Object> flat = new LinkedHashMap<>();
        tree.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map) {
                flat.putAll(flatten(path, (Map<String, Object>) value));
            } else {
                flat.put(path, value);
            }
        });
        return flat;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> overlay) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        overlay.forEach((key, value) -> {
            Object existing = merged.get(key);
            merged.put(key, existing instanceof Map && value instanceof Map
                    ? deepMerge((Map<String, Object>) existing, (Map<String, Object>) value) : value);
        });
        return merged;
    }

    static Path copyChart(Path target) throws IOException {
        try (Stream<Path> files = Files.walk(CHART)) {
            files.forEach(source -> {
                try {
                    Path dest = target.resolve(CHART.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.copy(source, dest);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return target;
    }
}
