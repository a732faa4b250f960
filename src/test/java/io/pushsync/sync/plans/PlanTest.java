package io.pushsync.sync.plans;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.Plan;
import io.pushsync.sync.RowAction;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import io.pushsync.sync.jobs.JobProgress;
import io.pushsync.sync.jobs.JobSegments;
import io.pushsync.sync.jobs.JobState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The plan's bodies bound, and the dry-run forms as stored (idempotency ledger, job store, result segments) read back
 * as written, next to the forms without a plan.
 */
class PlanTest {

    final JsonMapper json = JsonMapper.builder().findAndAddModules().build();

    @Test
    void bodiesAreKeptUpToTheLimitAndDroppedBeyondIt() {
        Plan plan = new Plan(2);
        plan.request("GET", "/a", null);
        plan.request("POST", "/b", () -> json.createObjectNode().put("k", 1));
        assertThat(plan.report().bodies()).hasSize(2);
        assertThat(plan.report().bodies().get(1).body().get("k").asInt()).isEqualTo(1);
        int[] built = {0};
        plan.request("POST", "/c", () -> {
            built[0]++;
            return json.createObjectNode();
        });
        assertThat(plan.report().requests()).isEqualTo(3);
        assertThat(plan.report().bodies()).isNull();
        assertThat(built[0]).as("a body beyond the limit is never built").isZero();
        assertThat(new Plan(0).report().bodies()).isEmpty();
    }

    @Test
    void theStoredFormsReadBackAsWritten() {
        Plan plan = new Plan(5);
        plan.request("POST", "/p", () -> json.createObjectNode().put("apptoken", "****"));
        plan.notChecked(ErrorCode.UNKNOWN_TAG);
        List<RowResult> results = List.of(RowResult.planned("r1", RowAction.UNTAG),
                RowResult.failed("r2", RowError.of(ErrorCode.INVALID_FIELD, "identifier", "bad")));
        BatchResponse dry = new BatchResponse("s", "b", "cleverpush", "tags", "remove",
                BatchResponse.Summary.of(results, true), plan.report(), results, 3);
        BatchResponse real = new BatchResponse("s", "b", "cleverpush", "tags", "remove",
                BatchResponse.Summary.of(List.of(RowResult.succeeded("r1"))), List.of(RowResult.succeeded("r1")), 3);
        String dryText = json.writeValueAsString(dry);
        assertThat(dryText).contains("\"planned\":1", "\"action\":\"untag\"", "\"notChecked\":[\"unknown_tag\"]");
        assertThat(json.readValue(dryText, BatchResponse.class)).isEqualTo(dry);
        String realText = json.writeValueAsString(real);
        assertThat(realText).doesNotContain("planned", "plan", "action");
        assertThat(json.readValue(realText, BatchResponse.class)).isEqualTo(real);

        JobProgress progress = new JobProgress(JobState.COMPLETED, 2, 0, 0, 1, 0, Instant.EPOCH, Instant.EPOCH,
                Instant.EPOCH, null, 1, plan.report(), "updated", 3, 2);
        assertThat(json.readValue(json.writeValueAsString(progress), JobProgress.class)).isEqualTo(progress);
        JobProgress sent = JobProgress.queued(Instant.EPOCH);
        assertThat(json.readValue(json.writeValueAsString(sent), JobProgress.class)).isEqualTo(sent);

        JobSegments segments = new JobSegments(json);
        assertThat(segments.decodeResults(segments.encodeResults(results))).isEqualTo(results);
    }
}
