package io.pushsync.destination.xtremepush;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.pushsync.testsupport.DryRunCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dry runs of Xtremepush profiles and list members in every mode, as a batch and as a job: no request reaches
 * WireMock, rows are planned with the action of their chunk or fail as the real run fails them, and
 * {@code plan.requests} and {@code plan.bodies} (app token redacted) are what the real batch with the same ids then
 * sends (it is not a replay).
 */
class XtremepushDryRunTest extends XtremepushWireMockSupport {

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @BeforeEach
    void vendorAcceptsEverything() {
        wireMock.stubFor(post(urlEqualTo(PROFILE_PATH)).willReturn(okJson(envelope(200, "ok"))));
        wireMock.stubFor(post(urlEqualTo(LIST_PATH)).willReturn(okJson(envelope(200, "ok"))));
    }

    static ObjectNode badPhone(String id, String userId) {
        ObjectNode row = profile(id, userId);
        ((ObjectNode) row.get("fields")).put("mobile_number", "12").put("sms_subscription", true);
        return row;
    }

    /** A profile row with another column set than {@link #profile}: a request of its own. */
    static ObjectNode lastNamed(String id, String userId) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        row.putObject("fields").put("user_id", userId).put("last_name", "Last");
        return row;
    }

    /** A member whose identifier is a boolean: the adapter fails it. */
    static ObjectNode notAnIdentifier(String id, String change) {
        ObjectNode row = member(id, change, "x");
        ((ObjectNode) row.get("fields")).put("identifier", true);
        return row;
    }

    static Arguments kase(String objectType, String mode, List<ObjectNode> rows, int requests, String... outcomes) {
        return Arguments.of(objectType, mode, rows, requests, List.of(outcomes));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                kase("user_profiles", "upsert", List.of(profile("a", "u1"), badPhone("b", "u2"), lastNamed("c", "u3"),
                        profile("d", "u4")), 2, "planned:upsert", "failed:invalid_phone_number", "planned:upsert",
                        "planned:upsert"),
                kase("list_members", "add", List.of(member("a", null, " A@Example.com "), notAnIdentifier("b", null)),
                        1, "planned:add", "failed:invalid_field"),
                kase("list_members", "upsert", List.of(member("a", null, "u1"), member("b", null, "u2")), 1,
                        "planned:add", "planned:add"),
                kase("list_members", "remove", List.of(member("a", null, "u1"), member("b", null, "u2")), 1,
                        "planned:remove", "planned:remove"),
                kase("list_members", "mirror", List.of(member("a", "added", "u1"), member("b", "removed", "u2"),
                        member("c", "changed", "u3"), notAnIdentifier("d", "removed")), 2, "planned:add",
                        "planned:remove", "planned:add", "failed:invalid_field"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void aDryRunSendsNothingAndPlansWhatTheRealRunSends(String objectType, String mode, List<ObjectNode> rows,
            int requests, List<String> outcomes) throws Exception {
        ObjectNode real = batch(objectType, mode, "list_members".equals(objectType) ? listOptions(77) : null, rows);
        ObjectNode dry = DryRunCalls.dry(real);

        DryRunCalls.Answer planned = DryRunCalls.batch(mvc, "xtremepush", dry);
        DryRunCalls.Job job = DryRunCalls.job(mvc, "xtremepush", dry);
        assertThat(wireMock.getAllServeEvents()).as("vendor requests of the dry runs").isEmpty();

        assertOutcomes(planned.body().get("results"), outcomes);
        assertOutcomes(job.results().get("results"), outcomes);
        long plannedRows = outcomes.stream().filter(o -> o.startsWith("planned")).count();
        assertThat(planned.body().get("summary").get("planned").asInt()).isEqualTo(plannedRows);
        assertThat(job.status().get("summary").get("planned").asInt()).isEqualTo(plannedRows);
        assertThat(planned.body().get("plan").get("requests").asInt()).isEqualTo(requests);
        assertThat(job.status().get("plan").get("requests").asInt()).isEqualTo(requests);
        JsonNode bodies = planned.body().get("plan").get("bodies");
        assertThat(bodies).hasSize(requests);
        bodies.forEach(b -> assertThat(b.get("body").get("apptoken").asString()).isEqualTo("****"));
        assertThat(planned.text()).doesNotContain(APP_TOKEN);
        assertThat(job.text()).doesNotContain(APP_TOKEN);

        DryRunCalls.Answer sent = DryRunCalls.batch(mvc, "xtremepush", real);
        assertThat(sent.replayed()).isFalse();
        List<ServeEvent> events = wireMock.getAllServeEvents();
        assertThat(events).as("vendor requests of the real run").hasSize(requests);
        assertThat(requestsOf(events)).containsExactlyInAnyOrderElementsOf(requestsOf(bodies));
        for (int i = 0; i < outcomes.size(); i++) {
            JsonNode dryResult = planned.body().get("results").get(i);
            JsonNode realResult = sent.body().get("results").get(i);
            if (outcomes.get(i).startsWith("planned")) {
                assertThat(realResult.get("status").asString()).as("%s", realResult).isIn("succeeded", "accepted");
            } else {
                assertThat(realResult).as("the real run's outcome").isEqualTo(dryResult);
            }
        }
    }

    @Test
    void bodiesAreLeftOutAboveTheLimitAndNoRowIsCountedInTheMetrics() throws Exception {
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 21; i++) { // a column set each: 21 requests, one more than dry-run-max-bodies
            ObjectNode row = profile("r" + i, "u" + i);
            ((ObjectNode) row.get("fields")).put("custom_" + i, "v");
            rows.add(row);
        }
        rows.add(badPhone("bad", "u-bad"));
        double failedBefore = rowsTotal("failed");
        JsonNode planned = DryRunCalls.batch(mvc, "xtremepush", DryRunCalls.dry(profiles(rows))).body();
        assertThat(planned.get("plan").get("requests").asInt()).isEqualTo(21);
        assertThat(planned.get("plan").has("bodies")).isFalse();
        assertThat(planned.get("summary").get("planned").asInt()).isEqualTo(21);
        assertThat(planned.get("summary").get("failed").asInt()).isEqualTo(1);
        assertThat(rowsTotal("failed")).isEqualTo(failedBefore);
        assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void aDryRunIsNeverAReplayAndItsJobHoldsNoIds() throws Exception {
        ObjectNode real = profiles(List.of(profile("a", "u1")));
        DryRunCalls.Answer sent = DryRunCalls.batch(mvc, "xtremepush", real);
        assertThat(sent.replayed()).isFalse();
        DryRunCalls.Answer planned = DryRunCalls.batch(mvc, "xtremepush", DryRunCalls.dry(real));
        assertThat(planned.replayed()).isFalse();
        assertThat(planned.body().get("results").get(0).get("status").asString()).isEqualTo("planned");
        assertThat(wireMock.getAllServeEvents()).hasSize(1);

        ObjectNode realJob = profiles(List.of(profile("a", "u1")));
        DryRunCalls.Job dryJob = DryRunCalls.job(mvc, "xtremepush", DryRunCalls.dry(realJob));
        DryRunCalls.Job job = DryRunCalls.job(mvc, "xtremepush", realJob);
        assertThat(job.status().get("jobId").asString()).isNotEqualTo(dryJob.status().get("jobId").asString());
        assertThat(job.results().get("results").get(0).get("status").asString()).isEqualTo("succeeded");
        assertThat(job.status().has("plan")).isFalse();
        assertThat(job.status().get("summary").has("planned")).isFalse();
        assertThat(wireMock.getAllServeEvents()).hasSize(2);
    }

    @Test
    void dryRunMustBeABoolean() throws Exception {
        ObjectNode body = profiles(List.of(profile("a", "u1")));
        body.put("dryRun", "yes");
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                        .post("/v1/destinations/xtremepush/batches")
                        .header(org.springframework.http.HttpHeaders.AUTHORIZATION, "Bearer test-token")
                        .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsBytes(body)))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.status().isBadRequest())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers
                        .jsonPath("$.errors[0].pointer").value("/dryRun"));
    }

    private double rowsTotal(String status) {
        io.micrometer.core.instrument.Counter c = meters.find("pushsync_rows_total").tag("destination", "xtremepush")
                .tag("object_type", "user_profiles").tag("status", status).counter();
        return c == null ? 0 : c.count();
    }

    static void assertOutcomes(JsonNode results, List<String> outcomes) {
        assertThat(results).hasSize(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            JsonNode r = results.get(i);
            String[] expected = outcomes.get(i).split(":");
            assertThat(r.get("status").asString()).as("%s", r).isEqualTo(expected[0]);
            if ("planned".equals(expected[0])) {
                assertThat(r.get("action").asString()).as("%s", r).isEqualTo(expected[1]);
            } else {
                assertThat(r.get("error").get("code").asString()).as("%s", r).isEqualTo(expected[1]);
                assertThat(r.has("action")).isFalse();
            }
        }
    }

    /** Each request as method, path and body with the app token shown as a plan shows it. */
    static List<String> requestsOf(List<ServeEvent> events) {
        List<String> out = new ArrayList<>();
        for (ServeEvent e : events) {
            ObjectNode body = (ObjectNode) JSON.readTree(e.getRequest().getBodyAsString());
            assertThat(body.get("apptoken").asString()).isEqualTo(APP_TOKEN);
            body.put("apptoken", "****");
            out.add(e.getRequest().getMethod() + " " + e.getRequest().getUrl() + " " + body);
        }
        return out;
    }

    static List<String> requestsOf(JsonNode bodies) {
        List<String> out = new ArrayList<>();
        for (JsonNode b : bodies) {
            out.add(b.get("method").asString() + " " + b.get("path").asString() + " " + b.get("body"));
        }
        return out;
    }
}
