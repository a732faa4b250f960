package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.pushsync.testsupport.DryRunCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dry runs of every CleverPush object type and mode, as a batch and as a job: no request reaches WireMock, rows are
 * planned with the action of their calls or fail/skip as the real run does, and {@code plan.requests} and
 * {@code plan.bodies} are what the real batch with the same ids then sends (it is not a replay).
 */
class CleverPushDryRunTest extends CleverPushWireMockSupport {

    /** A subscription row that sets a phone number which is no phone number. */
    static ObjectNode badPhone(String id, String change, String subscriptionId) {
        ObjectNode row = subscription(id, change, subscriptionId);
        ((ObjectNode) row.get("fields")).put("phone", "12");
        return row;
    }

    /** A subscription row with nothing to send besides its id. */
    static ObjectNode bare(String id, String subscriptionId) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        row.putObject("fields").put("subscription_id", subscriptionId);
        return row;
    }

    static ObjectNode tags(String id, String change, String subscriptionId, String... tags) {
        return tagRow(id, change, subscriptionId, JSON.valueToTree(List.of(tags)));
    }

    static Arguments kase(String objectType, String mode, List<ObjectNode> rows, String... outcomes) {
        return Arguments.of(objectType, mode, rows, List.of(outcomes));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                kase("subscriptions", "upsert", List.of(subscription("a", null, "s-1"), badPhone("b", null, "s-2"),
                        bare("c", "s-3")), "planned:upsert", "failed:invalid_phone_number", "skipped:no_fields"),
                kase("subscriptions", "add", List.of(subscription("a", null, "s-1"), subscription("b", null, "s-2")),
                        "planned:upsert", "planned:upsert"),
                kase("subscriptions", "remove", List.of(subscription("a", null, "s-1"), bare("b", " ")),
                        "planned:unsubscribe", "failed:missing_required_field"),
                kase("subscriptions", "mirror", List.of(subscription("a", "added", "s-1"),
                        subscription("b", "removed", "s-2"), badPhone("c", "changed", "s-3")),
                        "planned:upsert", "planned:unsubscribe", "failed:invalid_phone_number"),
                kase("tags", "add", List.of(tags("a", null, "s-1", "t1", "t2"), tags("b", null, "s-2")),
                        "planned:tag", "skipped:no_fields"),
                kase("tags", "remove", List.of(tags("a", null, "s-1", "t1"), tags("b", null, "s-2", "t1", "t3")),
                        "planned:untag", "planned:untag"),
                kase("tags", "mirror", List.of(tags("a", "added", "s-1", "t1"), tags("b", "removed", "s-2", "t2")),
                        "planned:tag", "planned:untag"),
                kase("tags", "upsert", List.of(tags("a", null, "s-1", "t1", "t2", "t3")), "planned:tag"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void aDryRunSendsNothingAndPlansWhatTheRealRunSends(String objectType, String mode, List<ObjectNode> rows,
            List<String> outcomes) throws Exception {
        String channel = freshChannel("dry");
        ObjectNode real = batch(objectType, mode, channel, rows);
        ObjectNode dry = DryRunCalls.dry(real);

        DryRunCalls.Answer planned = DryRunCalls.batch(mvc, "cleverpush", dry);
        DryRunCalls.Job job = DryRunCalls.job(mvc, "cleverpush", dry);
        assertThat(wireMock.getAllServeEvents()).as("vendor requests of the dry runs").isEmpty();

        assertOutcomes(planned.body().get("results"), outcomes);
        assertOutcomes(job.results().get("results"), outcomes);
        long plannedRows = outcomes.stream().filter(o -> o.startsWith("planned")).count();
        assertThat(planned.body().get("summary").get("planned").asInt()).isEqualTo(plannedRows);
        assertThat(job.status().get("summary").get("planned").asInt()).isEqualTo(plannedRows);
        int requests = planned.body().get("plan").get("requests").asInt();
        assertThat(job.status().get("plan").get("requests").asInt()).isEqualTo(requests);
        assertThat(planned.body().get("plan").get("bodies")).hasSize(requests);
        assertThat(planned.text()).doesNotContain(API_KEY);
        assertThat(job.text()).doesNotContain(API_KEY);

        DryRunCalls.Answer sent = DryRunCalls.batch(mvc, "cleverpush", real);
        assertThat(sent.replayed()).isFalse();
        List<ServeEvent> events = wireMock.getAllServeEvents();
        assertThat(events).as("vendor requests of the real run").hasSize(requests);
        assertThat(requestsOf(events)).containsExactlyInAnyOrderElementsOf(
                requestsOf(planned.body().get("plan").get("bodies")));
        for (int i = 0; i < outcomes.size(); i++) {
            JsonNode dryResult = planned.body().get("results").get(i);
            JsonNode realResult = sent.body().get("results").get(i);
            if (outcomes.get(i).startsWith("planned")) {
                assertThat(realResult.get("status").asString()).as("%s", realResult).isEqualTo("succeeded");
            } else {
                assertThat(realResult).as("the real run's outcome").isEqualTo(dryResult);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void userIdLookUpsAreCountedNotMade() throws Exception {
        String channel = freshChannel("dry-user");
        wireMock.stubFor(get(urlPathEqualTo("/subscription")).withQueryParam("attribute_value", equalTo("u1"))
                .willReturn(okJson("{\"_id\":\"native-u1\"}")));
        ObjectNode real = batch("subscriptions", "upsert", channel, List.of(subscription("a", null, "u1"),
                subscription("b", null, "u2"), subscription("c", null, "u1")));
        real.putObject("options").put("subscriptionIdKind", "user_id");

        DryRunCalls.Answer planned = DryRunCalls.batch(mvc, "cleverpush", DryRunCalls.dry(real));
        assertThat(wireMock.getAllServeEvents()).isEmpty();
        assertOutcomes(planned.body().get("results"), List.of("planned:upsert", "planned:upsert", "planned:upsert"));
        // channel check, custom attributes, two look-ups, three syncs
        assertThat(planned.body().get("plan").get("requests").asInt()).isEqualTo(7);
        assertThat(planned.body().get("plan").get("notChecked")).extracting(JsonNode::asString)
                .containsExactly("unknown_attribute", "subscription_not_found");

        DryRunCalls.Answer sent = DryRunCalls.batch(mvc, "cleverpush", real);
        assertThat(sent.replayed()).isFalse();
        assertThat(wireMock.getAllServeEvents()).hasSize(7);
    }

    static void assertOutcomes(JsonNode results, List<String> outcomes) {
        assertThat(results).hasSize(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            JsonNode r = results.get(i);
            String[] expected = outcomes.get(i).split(":");
            assertThat(r.get("status").asString()).as("%s", r).isEqualTo(expected[0]);
            if ("planned".equals(expected[0])) {
                assertThat(r.get("action").asString()).as("%s", r).isEqualTo(expected[1]);
                assertThat(r.has("error")).isFalse();
            } else {
                assertThat(r.get("error").get("code").asString()).as("%s", r).isEqualTo(expected[1]);
                assertThat(r.has("action")).isFalse();
            }
        }
    }

    /** Each request as method, URL and body, comparable between WireMock and a plan. */
    static List<String> requestsOf(List<ServeEvent> events) {
        List<String> out = new ArrayList<>();
        for (ServeEvent e : events) {
            String body = e.getRequest().getBodyAsString();
            out.add(e.getRequest().getMethod() + " " + e.getRequest().getUrl() + " "
                    + (body.isEmpty() ? "" : JSON.readTree(body).toString()));
        }
        return out;
    }

    static List<String> requestsOf(JsonNode bodies) {
        List<String> out = new ArrayList<>();
        for (JsonNode b : bodies) {
            out.add(b.get("method").asString() + " " + b.get("path").asString() + " "
                    + (b.has("body") ? b.get("body").toString() : ""));
        }
        return out;
    }

}
