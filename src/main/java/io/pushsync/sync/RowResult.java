package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The outcome of one input row; {@code action} only for a dry run's planned row. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RowResult(String id, RowStatus status, RowAction action, String taskId, RowError error) {

    public static RowResult succeeded(String id) {
        return new RowResult(id, RowStatus.SUCCEEDED, null, null, null);
    }

    public static RowResult accepted(String id, String taskId) {
        return new RowResult(id, RowStatus.ACCEPTED, null, taskId, null);
    }

    public static RowResult failed(String id, RowError error) {
        return new RowResult(id, RowStatus.FAILED, null, null, error);
    }

    public static RowResult skipped(String id, RowError error) {
        return new RowResult(id, RowStatus.SKIPPED, null, null, error);
    }

    public static RowResult planned(String id, RowAction action) {
        return new RowResult(id, RowStatus.PLANNED, action, null, null);
    }
}
