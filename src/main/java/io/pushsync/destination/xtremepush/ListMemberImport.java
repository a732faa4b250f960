package io.pushsync.destination.xtremepush;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.Plan;
import io.pushsync.sync.RowAction;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * List members: {@code add}/{@code upsert} add to the list, {@code remove} removes, {@code mirror} decides by
 * {@code change}. Identifiers are trimmed; those that look like e-mail addresses are lower-cased. Other fields of a
 * row are not used. Chunks of at most {@code list-chunk-size} identifiers whose body stays within
 * {@code max-chunk-bytes}, one request each, one after another. Identifiers are short, so the row bound decides in
 * practice; the byte bound holds for identifiers as long as a string value may be (a row whose identifier alone makes
 * a larger body fails {@code invalid_field}, alone).
 */
final class ListMemberImport {

    static final String IDENTIFIER = "identifier";
    static final String LIST_ID = "listId";

    /** {@code size}: the identifier's bytes as a JSON string in the body ({@link XtremepushWire.Sizer#string}). */
    record Member(int index, String identifier, int size) {
    }

    private final XtremepushClient client;
    private final XtremepushProperties properties;

    ListMemberImport(XtremepushClient client, XtremepushProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    /** The rows placed by mode ({@code create}/{@code delete}, in the order first met), and each mode's room. */
    private record Placed(Map<String, List<Member>> byMode, Map<String, Long> rooms) {
    }

    void run(SyncRequest request, Deadline deadline, RowResults results) {
        long listId = request.options().longValue(LIST_ID);
        String region = request.connection().value(XtremepushDestination.REGION);
        XtremepushCredentials credentials = XtremepushCredentials.of(request.connection());
        Placed placed = placeAll(request, credentials, listId, results);
        for (Map.Entry<String, List<Member>> e : placed.byMode().entrySet()) {
            String mode = e.getKey();
            RowIsolation<Member> isolation = new RowIsolation<>(
                    chunk -> XtremepushReplyClassifier.classify(() -> client.post(region, credentials,
                            "import_list_" + mode, XtremepushWire.LIST_IMPORT_PATH,
                            token -> XtremepushWire.listImport(token, listId, mode, chunk),
                            properties.listTimeout(), deadline)),
                    Member::index, properties.isolation().maxRequestsPerChunk(), deadline, results);
            for (List<Member> chunk : chunks(e.getValue(), placed.rooms().get(mode))) {
                if (!deliver(request, results, isolation, chunk)) {
                    return;
                }
            }
        }
    }

    /**
     * A dry run of {@link #run}: the same placing and chunks, each counted as one request (its body with the app
     * token redacted), its rows planned {@code add} or {@code remove}. Sends nothing.
     */
    void plan(SyncRequest request, RowResults results, Plan plan) {
        long listId = request.options().longValue(LIST_ID);
        XtremepushCredentials credentials = XtremepushCredentials.of(request.connection());
        Secret shown = client.tokenInBody(credentials) == null ? null : XtremepushWire.REDACTED_TOKEN;
        Placed placed = placeAll(request, credentials, listId, results);
        for (Map.Entry<String, List<Member>> e : placed.byMode().entrySet()) {
            String mode = e.getKey();
            RowAction action = XtremepushWire.LIST_MODE_REMOVE.equals(mode) ? RowAction.REMOVE : RowAction.ADD;
            for (List<Member> chunk : chunks(e.getValue(), placed.rooms().get(mode))) {
                chunk.forEach(member -> results.planned(member.index(), action));
                plan.request("POST", XtremepushWire.LIST_IMPORT_PATH, () -> client.json().readTree(
                        XtremepushWire.listImport(shown, listId, mode, chunk).toBytes(client.json())));
            }
        }
    }

    /** Places every row's member with the others of its mode, or fails the row. */
    private Placed placeAll(SyncRequest request, XtremepushCredentials credentials, long listId,
            RowResults results) {
        Secret bodyToken = client.tokenInBody(credentials);
        long maxBytes = properties.maxChunkBytes().toBytes();
        Map<String, List<Member>> byMode = new LinkedHashMap<>();
        Map<String, Long> envelopes = new HashMap<>();
        try (XtremepushWire.Sizer sizer = new XtremepushWire.Sizer(client.json())) {
            for (SyncRow row : request.rows()) {
                place(request, row, sizer, byMode, envelopes, bodyToken, listId, maxBytes, results);
            }
        }
        Map<String, Long> rooms = new HashMap<>();
        envelopes.forEach((mode, envelope) -> rooms.put(mode,
                maxBytes - envelope - client.tokenAllowance(credentials)));
        return new Placed(byMode, rooms);
    }

    /**
     * The chunks of one mode's members, in order: at most {@code list-chunk-size} members each, their items within
     * {@code room} bytes.
     */
    private List<List<Member>> chunks(List<Member> members, long room) {
        List<List<Member>> chunks = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < members.size(); i++) {
            int size = members.get(i).size();
            if (i > from && (i - from == properties.listChunkSize() || bytes + 1 + size > room)) {
                chunks.add(members.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += (i > from ? 1 : 0) + size;
        }
        if (from < members.size()) {
            chunks.add(members.subList(from, members.size()));
        }
        return chunks;
    }

    /**
     * Delivers one chunk; false once the batch has stopped ({@link RowResults#stop}): nothing more is sent, the rows
     * not yet sent are left for the stop's error.
     */
    private static boolean deliver(SyncRequest request, RowResults results, RowIsolation<Member> isolation,
            List<Member> chunk) {
        int requests = isolation.deliver(chunk);
        if (results.isStopped()) {
            return false;
        }
        ProfileImport.progress(request, results, requests);
        return true;
    }

    /** Puts the row's member with the others of its mode, or fails the row. */
    private void place(SyncRequest request, SyncRow row, XtremepushWire.Sizer sizer, Map<String, List<Member>> byMode,
            Map<String, Long> envelopes, Secret token, long listId, long maxBytes, RowResults results) {
        String identifier = identifier(row.fields().get(IDENTIFIER));
        if (identifier == null) {
            results.failed(row.index(), RowError.of(ErrorCode.INVALID_FIELD, IDENTIFIER,
                    "identifier must be a non-blank string or an integer (an e-mail address or a user id)"));
            return;
        }
        String mode = row.isRemoval(request.mode()) ? XtremepushWire.LIST_MODE_REMOVE : XtremepushWire.LIST_MODE_ADD;
        int size = sizer.string(identifier);
        long envelope = envelopes.computeIfAbsent(mode,
                m -> XtremepushWire.listImport(token, listId, m, List.of()).size(client.json()));
        if (envelope + size > maxBytes) {
            results.failed(row.index(), XtremepushReplyClassifier.rowTooLarge(envelope + size, maxBytes));
            return;
        }
        byMode.computeIfAbsent(mode, k -> new ArrayList<>()).add(new Member(row.index(), identifier, size));
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
