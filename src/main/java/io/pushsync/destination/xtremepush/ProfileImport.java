package io.pushsync.destination.xtremepush;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.Secret;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * User profiles: normalise every row (in parallel), group rows by column set (a request only carries the columns its
 * rows have), cut each group into chunks of {@code chunk-size} and deliver them through the account's lane, up to
 * {@code chunks-in-flight} at once.
 */
final class ProfileImport {

    private static final Logger log = LoggerFactory.getLogger(ProfileImport.class);

    /** A normalised row, ready to be a row of {@code import/profile}: its values aligned to its group's columns. */
    record ProfileRow(int index, JsonNode[] values) {
    }

    /**
     * Rows with the same column set, in input order; {@code columns} in the order of the group's first row, and the
     * positions of the profile identifiers among them.
     */
    record Group(List<String> columns, int[] identifierColumns, List<ProfileRow> rows) {

        static Group of(List<String> columns) {
            return new Group(columns, IntStream.range(0, columns.size())
                    .filter(i -> ProfileNormaliser.IDENTIFIERS.contains(columns.get(i))).toArray(), new ArrayList<>());
        }

        /** The profile identifiers ({@code user_id}, {@code device_id} values) of some of the group's rows. */
        List<String> identifiers(List<ProfileRow> rows) {
            List<String> ids = new ArrayList<>(rows.size() * identifierColumns.length);
            for (ProfileRow row : rows) {
                for (int column : identifierColumns) {
                    ids.add(row.values()[column].stringValue());
                }
            }
            return ids;
        }
    }

    /** Where the rows of one column order go: their group, and each column's position in it (null: the same). */
    private record Placement(Group group, int[] positions) {

        static Placement of(List<String> columns, Map<Set<String>, Group> groups) {
            Group group = groups.computeIfAbsent(Set.copyOf(columns), k -> Group.of(List.copyOf(columns)));
            return new Placement(group, group.columns().equals(columns) ? null
                    : columns.stream().mapToInt(group.columns()::indexOf).toArray());
        }

        void add(int index, JsonNode[] values) {
            JsonNode[] aligned = values;
            if (positions != null) {
                aligned = new JsonNode[values.length];
                for (int i = 0; i < values.length; i++) {
                    aligned[positions[i]] = values[i];
                }
            }
            group.rows().add(new ProfileRow(index, aligned));
        }
    }

    private final XtremepushClient client;
    private final XtremepushProperties properties;
    private final ProfileNormaliser normaliser;
    private final ChunkLanes lanes;

    ProfileImport(XtremepushClient client, XtremepushProperties properties, ProfileNormaliser normaliser,
            ChunkLanes lanes) {
        this.client = client;
        this.properties = properties;
        this.normaliser = normaliser;
        this.lanes = lanes;
    }

    void run(SyncRequest request, Deadline deadline, RowResults results) {
        Collection<Group> groups = group(request.rows(), results);
        String region = request.connection().value(XtremepushDestination.REGION);
        Secret token = request.connection().secret(XtremepushDestination.APP_TOKEN);
        ChunkPipeline pipeline = lanes.pipeline(XtremepushClient.account(token), deadline,
                requests -> progress(request, results, requests));
        for (Group group : groups) {
            ChunkDelivery<ProfileRow> delivery = new ChunkDelivery<>(
                    rows -> ChunkDelivery.classify(() -> client.post(region, token, "import_profile",
                            XtremepushWire.PROFILE_IMPORT_PATH,
                            XtremepushWire.profileImport(token, group.columns(), rows),
                            properties.requestTimeout(), deadline)),
                    ProfileRow::index, properties.isolation().maxRequestsPerChunk(), deadline, results);
            if (!submit(pipeline, delivery, group)) {
                break;
            }
        }
        pipeline.finish();
    }

    private boolean submit(ChunkPipeline pipeline, ChunkDelivery<ProfileRow> delivery, Group group) {
        List<ProfileRow> rows = group.rows();
        for (int from = 0; from < rows.size(); from += properties.chunkSize()) {
            List<ProfileRow> chunk = rows.subList(from, Math.min(rows.size(), from + properties.chunkSize()));
            if (!pipeline.submit(delivery, chunk, group.identifiers(chunk))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Normalises the rows on every core (the rows are independent; libphonenumber is the costliest step of a row),
     * then groups them in input order, so the chunks are the same whatever thread normalised which row. Rows that
     * fail or are skipped get their outcome here.
     */
    private Collection<Group> group(List<SyncRow> rows, RowResults results) {
        ProfileNormaliser.Normalised[] normalised = new ProfileNormaliser.Normalised[rows.size()];
        IntStream.range(0, rows.size()).parallel().forEach(i -> normalised[i] = normaliser.normalise(rows.get(i)));
        Map<Set<String>, Group> groups = new LinkedHashMap<>();
        Map<List<String>, Placement> placements = new HashMap<>();
        for (int i = 0; i < normalised.length; i++) {
            ProfileNormaliser.Normalised n = normalised[i];
            normalised[i] = null;
            int index = rows.get(i).index();
            if (n.error() == null) {
                placements.computeIfAbsent(Arrays.asList(n.columns()), columns -> Placement.of(columns, groups))
                        .add(index, n.values());
            } else if (n.skip()) {
                results.skipped(index, n.error());
            } else {
                results.failed(index, n.error());
            }
        }
        return groups.values();
    }

    /** One line per delivered chunk: the progress of a long batch. */
    static void progress(SyncRequest request, RowResults results, int requests) {
        log.info("batch {} of sync {}: chunk delivered in {} request(s), {}/{} rows have an outcome",
                request.batchId(), request.syncId(), requests, results.done(), results.total());
    }
}
