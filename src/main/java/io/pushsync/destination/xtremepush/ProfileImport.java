package io.pushsync.destination.xtremepush;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * User profiles: normalise every row, group rows by column set (a request only carries the columns its rows have),
 * cut each group into chunks of {@code chunk-size} and deliver them one after another.
 */
final class ProfileImport {

    private static final Logger log = LoggerFactory.getLogger(ProfileImport.class);

    /** A normalised row, ready to be a row of {@code import/profile}. */
    record ProfileRow(int index, Map<String, JsonNode> values) {
    }

    private final XtremepushClient client;
    private final XtremepushProperties properties;
    private final ProfileNormaliser normaliser;

    ProfileImport(XtremepushClient client, XtremepushProperties properties, ProfileNormaliser normaliser) {
        this.client = client;
        this.properties = properties;
        this.normaliser = normaliser;
    }

    void run(SyncRequest request, Deadline deadline, RowResults results) {
        Map<Set<String>, List<ProfileRow>> groups = new LinkedHashMap<>();
        for (SyncRow row : request.rows()) {
            ProfileNormaliser.Normalised n = normaliser.normalise(row);
            if (n.error() != null) {
                if (n.skip()) {
                    results.skipped(row.index(), n.error());
                } else {
                    results.failed(row.index(), n.error());
                }
                continue;
            }
            groups.computeIfAbsent(new TreeSet<>(n.values().keySet()), k -> new ArrayList<>())
                    .add(new ProfileRow(row.index(), n.values()));
        }
        String region = request.connection().value(XtremepushDestination.REGION);
        var token = request.connection().secret(XtremepushDestination.APP_TOKEN);
        for (List<ProfileRow> group : groups.values()) {
            List<String> columns = List.copyOf(group.get(0).values().keySet());
            ChunkDelivery<ProfileRow> delivery = new ChunkDelivery<>(
                    rows -> ChunkDelivery.classify(() -> client.post(region, token, "import_profile",
                            XtremepushWire.PROFILE_IMPORT_PATH,
                            XtremepushWire.profileImport(token, columns, wireRows(columns, rows)),
                            properties.requestTimeout(), deadline)),
                    ProfileRow::index, properties.isolation().maxRequestsPerChunk(), deadline, results);
            for (int from = 0; from < group.size(); from += properties.chunkSize()) {
                int requests = delivery.deliver(
                        group.subList(from, Math.min(group.size(), from + properties.chunkSize())));
                progress(request, results, requests);
            }
        }
    }

    /** One line per delivered chunk: the progress of a long batch. */
    static void progress(SyncRequest request, RowResults results, int requests) {
        log.info("batch {} of sync {}: chunk delivered in {} request(s), {}/{} rows have an outcome",
                request.batchId(), request.syncId(), requests, results.done(), results.total());
    }

    private static List<List<JsonNode>> wireRows(List<String> columns, List<ProfileRow> rows) {
        List<List<JsonNode>> out = new ArrayList<>(rows.size());
        for (ProfileRow row : rows) {
            List<JsonNode> values = new ArrayList<>(columns.size());
            for (String c : columns) {
                values.add(row.values().get(c));
            }
            out.add(values);
        }
        return out;
    }
}
