package io.pushsync.api;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * Schemas of the request bodies, for the OpenAPI document only: the controller reads bodies as JSON trees, so that
 * every problem can be reported with a JSON Pointer (see {@code BatchValidator}).
 */
final class ApiDocs {

    private ApiDocs() {
    }

    static final String BATCH_EXAMPLE = """
            {"syncId": "nightly-profiles", "batchId": "2026-11-23T02:00:00Z-0007",
             "connection": {"region": "eu", "appToken": "..."},
             "objectType": "user_profiles", "mode": "upsert",
             "rows": [{"id": "r1", "fields": {"user_id": "u1", "email": "A@Example.com ", "email_subscription": true}}]}""";

    static final String CONNECTION_CHECK_EXAMPLE = """
            {"connection": {"channelId": "my-channel", "apiKey": "..."}}""";

    @Schema(name = "BatchRequest", description = "One batch of rows for a destination type")
    record BatchRequest(
            @Schema(description = "the caller's sync; with batchId the idempotency key", minLength = 1, maxLength = 200,
                    requiredMode = Schema.RequiredMode.REQUIRED) String syncId,
            @Schema(description = "the caller's batch; replaying syncId+batchId returns the stored answer",
                    minLength = 1, maxLength = 200, requiredMode = Schema.RequiredMode.REQUIRED) String batchId,
            @Schema(description = "the destination's connection fields (see GET /v1/destinations/{type}); "
                    + "xtremepush: region, appToken; cleverpush: channelId, apiKey. Exactly one of connection and "
                    + "connectionRef") Map<String, String> connection,
            @Schema(description = "instead of connection: the name of a connection configured on the server "
                    + "(GET /v1/connections) of this destination type", example = "crm-eu") String connectionRef,
            @Schema(description = "an object type of the destination", example = "user_profiles",
                    requiredMode = Schema.RequiredMode.REQUIRED) String objectType,
            @Schema(description = "a mode of the object type; replace (xtremepush list_members, cleverpush tags): "
                    + "the rows are the target's whole audience, pushsync sends the difference to the last snapshot "
                    + "it delivered", example = "upsert",
                    requiredMode = Schema.RequiredMode.REQUIRED) String mode,
            @Schema(description = "options of the object type (e.g. listId; tagId in replace mode) and nulls: "
                    + "ignore (default) | clear")
            Map<String, Object> options,
            @ArraySchema(schema = @Schema(implementation = Row.class),
                    arraySchema = @Schema(description = "at most pushsync.batch.max-rows rows"))
            List<Row> rows,
            @Schema(description = "true: a dry run. Validated and normalised as a real run, nothing is sent and "
                    + "nothing is recorded (never a replay; the real batch may follow with the same ids); rows are "
                    + "planned with an action or fail/skip as they would, and the answer's plan counts the vendor "
                    + "requests the real run would make", defaultValue = "false") Boolean dryRun) {
    }

    @Schema(name = "BatchRow")
    record Row(
            @Schema(description = "the caller's row key, unique in the batch", minLength = 1, maxLength = 256,
                    requiredMode = Schema.RequiredMode.REQUIRED) String id,
            @Schema(description = "required in mirror mode, absent otherwise",
                    allowableValues = {"added", "changed", "removed"}) String change,
            @Schema(description = "destination field name -> JSON value; null is ignored unless options.nulls "
                    + "is clear", requiredMode = Schema.RequiredMode.REQUIRED) Map<String, Object> fields) {
    }

    @Schema(name = "ConnectionCheckRequest")
    record ConnectionCheckRequest(
            @Schema(description = "the destination's connection fields; exactly one of connection and "
                    + "connectionRef") Map<String, String> connection,
            @Schema(description = "instead of connection: the name of a connection configured on the server "
                    + "(GET /v1/connections)", example = "crm-eu") String connectionRef) {
    }

    @Schema(name = "SnapshotTarget")
    record SnapshotTarget(
            @Schema(description = "the destination's connection fields; exactly one of connection and "
                    + "connectionRef") Map<String, String> connection,
            @Schema(description = "instead of connection: the name of a connection configured on the server "
                    + "(GET /v1/connections)", example = "crm-eu") String connectionRef,
            @Schema(description = "an object type with mode replace", example = "list_members") String objectType,
            @Schema(description = "the options a replace batch for the target carries (listId, tagId)")
            Map<String, Object> options) {
    }
}
