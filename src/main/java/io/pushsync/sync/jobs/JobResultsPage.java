package io.pushsync.sync.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushsync.sync.RowResult;
import java.util.List;

/**
 * One page of a finished job's results, in input order. {@code nextOffset} is the offset of the next page, absent
 * on the last one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobResultsPage(
        String jobId,
        JobState state,
        int total,
        int offset,
        int limit,
        List<RowResult> results,
        Integer nextOffset) {
}
