package io.pushsync.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;

/** Assertions on batch answers shared by every destination's tests. */
public final class BatchAssertions {

    private BatchAssertions() {
    }

    /** The invariants every answer keeps: one result per row, in input order, and a summary that adds up. */
    public static void assertOneResultPerRowInOrder(JsonNode request, JsonNode response) {
        JsonNode rows = request.get("rows");
        JsonNode results = response.get("results");
        assertThat(results.size()).as("one result per row").isEqualTo(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(results.get(i).get("id").asString()).as("result %d in input order", i)
                    .isEqualTo(rows.get(i).get("id").asString());
        }
        JsonNode summary = response.get("summary");
        assertThat(summary.get("received").asInt()).isEqualTo(rows.size());
        assertThat(summary.get("succeeded").asInt() + summary.get("accepted").asInt() + summary.get("failed").asInt()
                + summary.get("skipped").asInt() + summary.path("planned").asInt(0)).as("summary adds up")
                .isEqualTo(rows.size());
    }

    public static void assertSucceeded(JsonNode result) {
        assertThat(result.get("status").asString()).as("status of %s", result).isEqualTo("succeeded");
    }

    public static void assertFailed(JsonNode result, String code, boolean retryable) {
        assertThat(result.get("status").asString()).as("status of %s", result).isEqualTo("failed");
        assertThat(result.get("error").get("code").asString()).as("code of %s", result).isEqualTo(code);
        assertThat(result.get("error").get("retryable").asBoolean()).as("retryable of %s", result)
                .isEqualTo(retryable);
    }

    public static void assertAllFailed(JsonNode response, String code, boolean retryable) {
        for (JsonNode result : response.get("results")) {
            assertFailed(result, code, retryable);
        }
        assertThat(response.get("summary").get("failed").asInt()).isEqualTo(response.get("results").size());
    }

    public static void assertAllSucceeded(JsonNode response) {
        for (JsonNode result : response.get("results")) {
            assertSucceeded(result);
        }
        assertThat(response.get("summary").get("succeeded").asInt()).isEqualTo(response.get("results").size());
    }
}
