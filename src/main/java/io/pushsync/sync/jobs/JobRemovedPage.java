package io.pushsync.sync.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushsync.sync.BatchResponse.RemovedMember;
import java.util.List;

/**
 * One page of the members a finished replace job removed from its target (those of the snapshot its audience no
 * longer has), each with the outcome of its removal. {@code nextOffset} is absent on the last page.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRemovedPage(
        String jobId,
        JobState state,
        int total,
        int offset,
        int limit,
        List<RemovedMember> removed,
        Integer nextOffset) {
}
