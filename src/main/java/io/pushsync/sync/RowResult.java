package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
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
        // the names and the statuses encoded once, not for each of the answer's rows
        private static final SerializableString ID = new SerializedString("id");
        private static final SerializableString STATUS = new SerializedString("status");
        private static final SerializableString ACTION = new SerializedString("action");
        private static final SerializableString TASK_ID = new SerializedString("taskId");
        private static final SerializableString ERROR = new SerializedString("error");
        private static final SerializableString[] STATUSES = Arrays.stream(RowStatus.values())
                .map(s -> new SerializedString(s.wireName())).toArray(SerializableString[]::new);

        @Override
        public void serialize(RowResult result, JsonGenerator g, SerializationContext context) {
            g.writeStartObject(result);
            if (result.id != null) {
                g.writeName(ID);
                g.writeString(result.id);
            }
            if (result.status != null) {
                g.writeName(STATUS);
                g.writeString(STATUSES[result.status.ordinal()]);
            }
            if (result.action != null) {
                g.writeName(ACTION);
                g.writeString(result.action.wireName());
            }
            if (result.taskId != null) {
                g.writeName(TASK_ID);
                g.writeString(result.taskId);
            }
            if (result.error != null) {
                g.writeName(ERROR);
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
