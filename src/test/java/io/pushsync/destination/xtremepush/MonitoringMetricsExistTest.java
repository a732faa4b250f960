package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.marcnuri.helm.Helm;
import io.pushsync.testsupport.PromQl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every metric the chart's Grafana dashboard ({@code helm/pushsync/dashboards/pushsync.json}) and its alert rules
 * ({@code templates/_alert-rules.tpl}, rendered) query is in {@code /actuator/prometheus} once a batch (with a vendor
 * 429, a retry and a refused row) and a job have run: the exact sample names, so the histograms' {@code _bucket}
 * series must be there too.
 */
class MonitoringMetricsExistTest extends XtremepushWireMockSupport {

    static final Path CHART = Path.of("helm", "pushsync");

    /** kube-state-metrics series (PushsyncReplicasNotReady, the "Ready replicas" panel): not pushsync's own. */
    static final Set<String> EXTERNAL = Set.of("kube_deployment_status_replicas_available",
            "kube_deployment_spec_replicas");

    @Test
    void theParserFindsMetricNamesNotFunctionsLabelsOrKeywords() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le, destination) (rate(a_bucket{job=\"x\","
                + "state=~\"open|b\"}[$__rate_interval]))) / on (x) group_left (y) b_total offset 5m > 1e3 "
                + "and c unless bool d:e")).containsExactlyInAnyOrder("a_bucket", "b_total", "c", "d:e");
    }

    @Test
    void everyMetricOfTheDashboardAndTheAlertsIsExposedAfterABatchAndAJob() throws Exception {
        Set<String> queried = new TreeSet<>(dashboardMetrics());
        queried.addAll(alertMetrics());
        assertThat(queried).as("what the dashboard and the alerts read").contains("pushsync_rows_total",
                "pushsync_batch_seconds_bucket", "pushsync_vendor_requests_seconds_bucket",
                "pushsync_vendor_requests_seconds_count", "pushsync_vendor_retries_total", "pushsync_vendor_circuits",
                "pushsync_vendor_rate_limited_accounts", "pushsync_jobs", "pushsync_jobs_finished_total",
                "pushsync_jobs_rows_in_memory", "pushsync_batch_bytes_in_memory",
                "jvm_memory_used_bytes", "jvm_memory_max_bytes", "kube_deployment_spec_replicas");

        runABatchWithA429AndARefusedRow();
        runAJob();

        String exposition = mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString(StandardCharsets.UTF_8);
        Set<String> exposed = Arrays.stream(exposition.split("\\R")).filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));

        Set<String> ours = queried.stream().filter(n -> !EXTERNAL.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(exposed).as("/actuator/prometheus after a batch and a job").containsAll(ours);
        // and the series the alerts single out
        assertThat(exposition).containsPattern("pushsync_vendor_requests_seconds_count\\{[^}]*outcome=\"429\"")
                .containsPattern("pushsync_vendor_requests_seconds_bucket\\{[^}]*le=\"0\\.1\"")
                .containsPattern("pushsync_rows_total\\{[^}]*status=\"failed\"")
                .containsPattern("pushsync_jobs_finished_total\\{[^}]*state=\"interrupted\"")
                .containsPattern("pushsync_vendor_circuits\\{[^}]*state=\"half_open\"");
    }

    /** Metric names of every panel query and every query variable of the dashboard. */
    static Set<String> dashboardMetrics() throws Exception {
        JsonNode dashboard = JSON.readTree(Files.readString(CHART.resolve("dashboards/pushsync.json")));
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(PromQl.metricNames(target.get("expr").asString()));
            }
        }
        Pattern labelValues = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if ("query".equals(variable.get("type").asString())) {
                Matcher m = labelValues.matcher(variable.at("/query/query").asString());
                assertThat(m.find()).as(variable.toString()).isTrue();
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Metric names of every alert rule the chart renders with prometheusRule.enabled. */
    @SuppressWarnings("unchecked")
    static Set<String> alertMetrics() {
        String out = new Helm(CHART).template().withName("pushsync").withNamespace("sync")
                .set("prometheusRule.enabled", true).call();
        Set<String> names = new TreeSet<>();
        for (Object doc : new Yaml().loadAll(out)) {
            if (doc instanceof Map<?, ?> m && "PrometheusRule".equals(m.get("kind"))) {
                Map<String, Object> spec = (Map<String, Object>) m.get("spec");
                for (Object group : (List<Object>) spec.get("groups")) {
                    for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
                        names.addAll(PromQl.metricNames((String) ((Map<String, Object>) rule).get("expr")));
                    }
                }
            }
        }
        assertThat(names).as("the rendered PrometheusRule's metrics").isNotEmpty();
        return names;
    }

    private void runABatchWithA429AndARefusedRow() throws Exception {
        // the first request answers 429 (retried); then the pair holding u-1 is refused and split, u-1 fails alone
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).inScenario("limited").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429)).willSetStateTo("up"));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(1).inScenario("limited").whenScenarioStateIs("up")
                .withRequestBody(containing("\"u-1\""))
                .willReturn(aResponse().withStatus(400).withBody(envelope(400, "bad row"))));
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).atPriority(2).inScenario("limited").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withBody(envelope(200, "ok"))));

        JsonNode response = postBatch(profiles(profiles(2, "r")));
        assertSucceeded(response.get("results").get(0));
        assertThat(response.get("results").get(1).get("status").asString()).isEqualTo("failed");
    }

    private void runAJob() throws Exception {
        ObjectNode body = profiles(profiles(3, "j"));
        String accepted = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                        .post("/v1/destinations/xtremepush/jobs").header(HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(MediaType.APPLICATION_JSON).content(JSON.writeValueAsBytes(body)))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        String jobId = JSON.readTree(accepted).get("jobId").asString();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> JSON.readTree(
                mvc.perform(get("/v1/jobs/" + jobId).header(HttpHeaders.AUTHORIZATION, "Bearer test-token"))
                        .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8))
                .get("state").asString().equals("completed"));
    }
}
