package io.pushsync.destination.xtremepush;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * List members: {@code add}/{@code upsert} add to the list, {@code remove} removes, {@code mirror} decides by
 * {@code change}. Identifiers are trimmed; those that look like e-mail addresses are lower-cased. Other fields of a
 * row are not used. Chunks of {@code list-chunk-size} identifiers, one request each.
 */
final class ListMemberImport {

    static final String IDENTIFIER = "identifier";
    static final String LIST_ID = "listId";

    record Member(int index, String identifier) {
    }

    private final XtremepushClient client;
    private final XtremepushProperties properties;

    ListMemberImport(XtremepushClient client, XtremepushProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    void run(SyncRequest request, Deadline deadline, RowResults results) {
        long listId = request.options().longValue(LIST_ID);
        Map<String, List<Member>> byMode = new LinkedHashMap<>();
        for (SyncRow row : request.rows()) {
            String identifier = identifier(row.fields().get(IDENTIFIER));
            if (identifier == null) {
                results.failed(row.index(), RowError.of(ErrorCode.INVALID_FIELD, IDENTIFIER,
                        "identifier must be a non-blank string or an integer (an e-mail address or a user id)"));
                continue;
            }
            String mode = row.isRemoval(request.mode()) ? XtremepushWire.LIST_MODE_REMOVE
                    : XtremepushWire.LIST_MODE_ADD;
            byMode.computeIfAbsent(mode, k -> new ArrayList<>()).add(new Member(row.index(), identifier));
        }
        String region = request.connection().value(XtremepushDestination.REGION);
        XtremepushCredentials credentials = XtremepushCredentials.of(request.connection());
        for (Map.Entry<String, List<Member>> e : byMode.entrySet()) {
            String mode = e.getKey();
            List<Member> members = e.getValue();
            ChunkDelivery<Member> delivery = new ChunkDelivery<>(
                    chunk -> ChunkDelivery.classify(() -> client.post(region, credentials, "import_list_" + mode,
                            XtremepushWire.LIST_IMPORT_PATH,
                            token -> XtremepushWire.listImport(token, listId, mode, chunk),
                            properties.listTimeout(), deadline)),
                    Member::index, properties.isolation().maxRequestsPerChunk(), deadline, results);
            for (int from = 0; from < members.size(); from += properties.listChunkSize()) {
                int requests = delivery.deliver(
                        members.subList(from, Math.min(members.size(), from + properties.listChunkSize())));
                ProfileImport.progress(request, results, requests);
            }
        }
    }

    static String identifier(JsonNode value) {
        if (value == null || !(value.isString() || value.isIntegralNumber())) {
            return null;
        }
        String s = value.asString().trim();
        if (s.isEmpty()) {
            return null;
        }
        return s.indexOf('@') >= 0 ? s.toLowerCase(Locale.ROOT) : s;
    }
}
