package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonSerialize;

/** The outcome of one input row; {@code action} only for a dry run's planned row. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonSerialize(using = RowResult.Writer.class)
public record RowResult(String id, RowStatus status, RowAction action, String taskId, RowError error) {

    /**
     * Writes a result as Jackson writes the record (its properties in order, nulls left out, the enums by their wire
     * names), without a bean serializer's property writers: an answer has one result per row. {@code error} goes
     * through the context's serializer. {@code RowResultJsonTest} compares the two.
     */
    static final class Writer extends ValueSerializer<RowResult> {
        @Override
        public void serialize(RowResult result, JsonGenerator g, SerializationContext context) {
            g.writeStartObject(result);
            if (result.id != null) {
                g.writeStringProperty("id", result.id);
            }
            if (result.status != null) {
                g.writeStringProperty("status", result.status.wireName());
            }
            if (result.action != null) {
                g.writeStringProperty("action", result.action.wireName());
            }
            if (result.taskId != null) {
                g.writeStringProperty("taskId", result.taskId);
            }
            if (result.error != null) {
                g.writeName("error");
                context.writeValue(g, result.error);
            }
            g.writeEndObject();
        }
    }

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
