package io.pushsync.testsupport;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Request bodies for CleverPush batches and jobs, shared by the tests that drive the HTTP API. */
public final class CleverPushBodies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CleverPushBodies() {
    }

    /**
     * A {@code subscriptions} upsert: rows {@code r<i>} for {@code i} in {@code [from, from + rows)}, each with the
     * subscription id {@code <subscriptionPrefix><i>} and a custom attribute {@code plan} (so that no row is skipped
     * for having nothing to send).
     */
    public static ObjectNode subscriptions(String syncId, String batchId, String channelId, String apiKey,
            String subscriptionPrefix, int from, int rows) {
        ObjectNode body = JSON.createObjectNode();
        body.put("syncId", syncId);
        body.put("batchId", batchId);
        ObjectNode connection = body.putObject("connection");
        connection.put("channelId", channelId);
        connection.put("apiKey", apiKey);
        body.put("objectType", "subscriptions");
        body.put("mode", "upsert");
        ArrayNode arr = body.putArray("rows");
        for (int i = from; i < from + rows; i++) {
            ObjectNode row = arr.addObject();
            row.put("id", "r" + i);
            ObjectNode fields = row.putObject("fields");
            fields.put("subscription_id", subscriptionPrefix + i);
            fields.put("plan", "plan of " + subscriptionPrefix + i);
        }
        return body;
    }
}
