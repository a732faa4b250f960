package io.pushsync.sync.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.BatchResponse;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A replace batch's answer is stored for replays as JSON (the Redis ledger): it must read back as it was. */
class ReplaceResponseJsonTest {

    private final JsonMapper json = JsonMapper.builder().findAndAddModules().build();

    @Test
    void aReplaceAnswerReadsBackAsItWasAndAnotherAnswerShowsNoReplaceFields() {
        RowResult failedRemoval = RowResult.failed("gone@example.com",
                RowError.of(ErrorCode.DESTINATION_UNAVAILABLE, "down"));
        BatchResponse replace = new BatchResponse("s", "b", "xtremepush", "list_members", "replace",
                new BatchResponse.Summary(2, 1, 0, 0, 1).withRemoved(1), null, BatchResponse.SNAPSHOT_UPDATED,
                List.of(RowResult.succeeded("r1"), RowResult.skipped("r2", RowError.of(ErrorCode.UNCHANGED, "x"))),
                List.of(BatchResponse.RemovedMember.of(RowResult.succeeded("old@example.com")),
                        BatchResponse.RemovedMember.of(failedRemoval)), 12);

        String text = json.writeValueAsString(replace);
        String upsert = json.writeValueAsString(new BatchResponse("s", "b", "xtremepush", "user_profiles", "upsert",
                new BatchResponse.Summary(1, 1, 0, 0, 0), List.of(RowResult.succeeded("r1")), 3));

        assertThat(json.readValue(text, BatchResponse.class)).isEqualTo(replace);
        assertThat(text).contains("\"snapshot\":\"updated\"", "\"removed\":1",
                "{\"identifier\":\"old@example.com\",\"status\":\"succeeded\"}");
        assertThat(upsert).doesNotContain("snapshot", "removed", "planned");
    }
}
