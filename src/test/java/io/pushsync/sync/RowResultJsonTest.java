package io.pushsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A row result written by {@link RowResult.Writer} is the JSON Jackson writes for the record itself. */
class RowResultJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The same components without a serializer of their own: what Jackson writes for such a record. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AsBean(String id, RowStatus status, RowAction action, String taskId, RowError error) {
        static AsBean of(RowResult r) {
            return new AsBean(r.id(), r.status(), r.action(), r.taskId(), r.error());
        }
    }

    private static List<RowResult> everyKind() {
        List<RowResult> results = new ArrayList<>();
        for (String id : new String[] {"r-1", "quote \" é \u2028 \\ /", "", null}) {
            results.add(RowResult.succeeded(id));
            results.add(RowResult.accepted(id, "task-9"));
            results.add(RowResult.accepted(id, null));
            results.add(RowResult.failed(id, RowError.of(ErrorCode.INVALID_FIELD, "email", "not an e-mail: \"x\"")));
            results.add(RowResult.failed(id, RowError.of(ErrorCode.DESTINATION_UNAVAILABLE, "vendor down")));
            results.add(RowResult.skipped(id, RowError.of(ErrorCode.INVALID_FIELD, null, "skipped")));
            for (RowAction action : RowAction.values()) {
                results.add(RowResult.planned(id, action));
            }
            results.add(new RowResult(id, null, null, null, null));
            results.add(new RowResult(id, RowStatus.FAILED, RowAction.TAG, "t", new RowError("c", "f", "m", true)));
        }
        return results;
    }

    @Test
    void everyKindOfResultIsWrittenAsTheRecordWouldBe() {
        List<RowResult> results = everyKind();
        assertThat(JSON.writeValueAsString(results))
                .isEqualTo(JSON.writeValueAsString(results.stream().map(AsBean::of).toList()));
        for (RowResult result : results) {
            assertThat(JSON.writeValueAsString(result)).isEqualTo(JSON.writeValueAsString(AsBean.of(result)));
        }
    }

    @Test
    void aResultReadBackIsTheSameResult() {
        for (RowResult result : everyKind()) {
            assertThat(JSON.readValue(JSON.writeValueAsString(result), RowResult.class)).isEqualTo(result);
        }
    }
}
