package io.pushsync.destination.xtremepush;

import io.pushsync.sync.Deadline;
import io.pushsync.sync.LogContext;
import io.pushsync.sync.Plan;
import io.pushsync.sync.RowAction;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.Secret;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * User profiles: normalise every row (on every core), group rows by column set (a request only carries the columns
 * its rows have), cut each group into chunks of at most {@code chunk-size} rows whose body stays within
 * {@code max-chunk-bytes} (each row is measured as it is placed) and deliver them through the account's lane, up to
 * {@code chunks-in-flight} at once, the first while later rows are still being normalised.
 */
final class ProfileImport {

    private static final Logger log = LoggerFactory.getLogger(ProfileImport.class);
    /** Rows normalised as one piece of work: small enough to share a batch of a few thousand rows among cores. */
    private static final int NORMALISED_BLOCK = 1_000;

    /**
     * A normalised row, ready to be a row of {@code import/profile}: its values aligned to its group's columns,
     * written as the JSON array the body carries ({@link XtremepushWire.RowWriter}), and its profile identifiers
     * (the values of the group's identifier columns).
     */
    record ProfileRow(int index, String[] identifiers, byte[] encoded) {

        /** The row's bytes in a body. */
        int size() {
            return encoded.length;
        }
    }

    /**
     * Rows with the same column set: {@code columns} in the order of the group's first row, the positions of the
     * profile identifiers among them, the delivery of its chunks, and the rows of its next chunk (in input order)
     * with their size in a body.
     */
    private static final class Group {
        final List<String> columns;
        final int[] identifierColumns;
        RowIsolation<ProfileRow> delivery;
        List<ProfileRow> pending = new ArrayList<>();
        /** The size of {@link #pending}'s rows in a body, commas between them included. */
        long pendingBytes;
        /** The size of a body of this group without rows (the token as far as known, the columns); -1: not yet. */
        long envelope = -1;

        Group(List<String> columns) {
            this.columns = columns;
            this.identifierColumns = IntStream.range(0, columns.size())
                    .filter(i -> ProfileNormaliser.IDENTIFIERS.contains(columns.get(i))).toArray();
        }

        /** The profile identifiers ({@code user_id}, {@code device_id} values) of some of the group's rows. */
        List<String> identifiers(List<ProfileRow> rows) {
            List<String> ids = new ArrayList<>(rows.size() * identifierColumns.length);
            for (ProfileRow row : rows) {
                ids.addAll(Arrays.asList(row.identifiers()));
            }
            return ids;
        }

        /** The rows gathered for the next chunk; the group starts gathering the one after. */
        List<ProfileRow> take() {
            List<ProfileRow> chunk = pending;
            pending = new ArrayList<>();
            pendingBytes = 0;
            return chunk;
        }
    }

    /** Where the rows of one column order go: their group, and each column's position in it (null: the same). */
    private record Placement(Group group, int[] positions) {

        static Placement of(List<String> columns, Map<Set<String>, Group> groups) {
            Group group = groups.computeIfAbsent(Set.copyOf(columns), k -> new Group(List.copyOf(columns)));
            return new Placement(group, group.columns.equals(columns) ? null
                    : columns.stream().mapToInt(group.columns::indexOf).toArray());
        }

        /**
         * The row with its values in the group's column order: {@code encoded} (the values written in the row's own
         * order) when that is the group's, else the aligned values written by {@code writer}.
         */
        ProfileRow row(int index, JsonNode[] values, byte[] encoded, XtremepushWire.RowWriter writer) {
            JsonNode[] aligned = values;
            byte[] bytes = encoded;
            if (positions != null) {
                aligned = new JsonNode[values.length];
                for (int i = 0; i < values.length; i++) {
                    aligned[positions[i]] = values[i];
                }
                bytes = writer.row(aligned);
            }
            String[] identifiers = new String[group.identifierColumns.length];
            for (int k = 0; k < identifiers.length; k++) {
                identifiers[k] = aligned[group.identifierColumns[k]].stringValue();
            }
            return new ProfileRow(index, identifiers, bytes);
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

    /**
     * Normalises the rows a block at a time on every core ({@link NormalisedBlocks}) and places them in input order,
     * so a group's chunks are the same whatever thread normalised which row: a group's chunk goes on its way as soon
     * as it is full ({@link Dispatcher}), while the next blocks are still being normalised; the groups' last, partial
     * chunks follow in the order the groups appeared ({@link Placing} keeps a profile's rows in input order). Rows
     * that fail get their outcome as they are placed; once the batch has stopped, rows are still placed (their own
     * failures recorded) but nothing more is sent.
     */
    void run(SyncRequest request, Deadline deadline, RowResults results) {
        String region = request.connection().value(XtremepushDestination.REGION);
        XtremepushCredentials credentials = XtremepushCredentials.of(request.connection());
        ChunkPipeline pipeline = lanes.pipeline(credentials.account(), deadline, results,
                requests -> progress(request, results, requests));
        Throwable failure = null;
        try (Dispatcher dispatcher = new Dispatcher(pipeline)) {
            placeAll(request, results, new Placing((group, chunk, identifiers) -> dispatcher.submit(
                    delivery(group, region, credentials, deadline, results), chunk, identifiers),
                    credentials, results));
        } catch (RuntimeException | Error e) {
            failure = e; // chunks already on their way finish first
        }
        pipeline.finish();
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
    }

    /**
     * A dry run of {@link #run}: the same normalising, grouping and chunks, each chunk counted as one request (its
     * body with the app token redacted) and its rows planned {@code upsert}. Sends nothing.
     */
    void plan(SyncRequest request, RowResults results, Plan plan) {
        XtremepushCredentials credentials = XtremepushCredentials.of(request.connection());
        Secret shown = client.tokenInBody(credentials) == null ? null : XtremepushWire.REDACTED_TOKEN;
        placeAll(request, results, new Placing((group, chunk, identifiers) -> {
            chunk.forEach(row -> results.planned(row.index(), RowAction.UPSERT));
            plan.request("POST", XtremepushWire.PROFILE_IMPORT_PATH, () -> client.json().readTree(
                    XtremepushWire.profileImport(shown, group.columns, chunk).toBytes(client.json())));
        }, credentials, results));
    }

    /** Normalises and places every row, then hands over the groups' last chunks ({@link #run}). */
    private void placeAll(SyncRequest request, RowResults results, Placing placing) {
        Map<Set<String>, Group> groups = new LinkedHashMap<>();
        Map<List<String>, Placement> placements = new HashMap<>();
        List<SyncRow> rows = request.rows();
        String[] lastColumns = null; // rows in a row mostly have the same columns: no lookup then
        Placement placement = null;
        try (XtremepushWire.RowWriter writer = new XtremepushWire.RowWriter(client.json());
                NormalisedBlocks blocks = new NormalisedBlocks(rows, normaliser, client.json(), NORMALISED_BLOCK)) {
            for (int b = 0; b < blocks.count(); b++) {
                NormalisedBlocks.Block block = blocks.take(b);
                for (int i = 0; i < block.rows().length; i++) {
                    ProfileNormaliser.Normalised n = block.rows()[i];
                    int index = rows.get(blocks.first(b) + i).index();
                    if (n.error() == null) {
                        if (!Arrays.equals(lastColumns, n.columns())) {
                            placement = placements.computeIfAbsent(Arrays.asList(n.columns()),
                                    columns -> Placement.of(columns, groups));
                            lastColumns = n.columns();
                        }
                        placing.place(placement.group(),
                                placement.row(index, n.values(), block.encoded()[i], writer));
                    } else {
                        results.failed(index, n.error());
                    }
                }
            }
        }
        for (Group group : groups.values()) {
            placing.flush(group);
        }
    }

    /** Where {@link Placing} hands each full chunk of a group, with the chunk's profile identifiers. */
    @FunctionalInterface
    private interface ChunkSink {
        void accept(Group group, List<ProfileRow> chunk, List<String> identifiers);
    }

    private RowIsolation<ProfileRow> delivery(Group group, String region, XtremepushCredentials credentials,
            Deadline deadline, RowResults results) {
        if (group.delivery == null) {
            group.delivery = new RowIsolation<>(
                    rows -> XtremepushReplyClassifier.classify(() -> client.post(region, credentials, "import_profile",
                            XtremepushWire.PROFILE_IMPORT_PATH,
                            token -> XtremepushWire.profileImport(token, group.columns, rows),
                            properties.requestTimeout(), deadline)),
                    ProfileRow::index, properties.isolation().maxRequestsPerChunk(), deadline, results);
        }
        return group.delivery;
    }

    /**
     * Puts placed rows into their group's next chunk and hands full chunks to the dispatcher, keeping two rows of one
     * profile in input order at the vendor: a row whose {@code user_id}/{@code device_id} is in another group's
     * gathered rows first sends those as a chunk of their own. So the gathered rows of all groups never share a
     * profile, and chunks sharing one are handed over in input order, which the account's lane then keeps (it never
     * lets two chunks with a profile in common overlap).
     *
     * <p>A chunk is full at {@code chunk-size} rows, or when the next row would make its body larger than
     * {@code max-chunk-bytes} (room kept for a token known only when sending); the chunk goes first, the row starts
     * the next one. A row that would make a larger body on its own is not placed: it fails {@code invalid_field}.
     */
    private final class Placing {
        private final ChunkSink sink;
        /** Identifier -> the group whose gathered rows hold it. */
        private final Map<String, Group> gathered = new HashMap<>();
        private final Secret token;
        private final int tokenAllowance;
        private final long maxBytes;
        private final RowResults results;

        Placing(ChunkSink sink, XtremepushCredentials credentials, RowResults results) {
            this.sink = sink;
            this.token = client.tokenInBody(credentials);
            this.tokenAllowance = client.tokenAllowance(credentials);
            this.maxBytes = properties.maxChunkBytes().toBytes();
            this.results = results;
        }

        void place(Group group, ProfileRow row) {
            if (group.envelope < 0) {
                group.envelope = XtremepushWire.profileImport(token, group.columns, List.of()).size(client.json());
            }
            if (group.envelope + row.size() > maxBytes) {
                results.failed(row.index(),
                        XtremepushReplyClassifier.rowTooLarge(group.envelope + row.size(), maxBytes));
                return;
            }
            for (String identifier : row.identifiers()) {
                Group other = gathered.get(identifier);
                if (other != null && other != group) {
                    flush(other);
                }
            }
            if (!group.pending.isEmpty()
                    && group.envelope + tokenAllowance + group.pendingBytes + 1 + row.size() > maxBytes) {
                flush(group);
            }
            group.pendingBytes += (group.pending.isEmpty() ? 0 : 1) + row.size();
            group.pending.add(row);
            for (String identifier : row.identifiers()) {
                gathered.put(identifier, group);
            }
            if (group.pending.size() == properties.chunkSize()) {
                flush(group);
            }
        }

        /** Sends the group's gathered rows, if any, as one chunk. */
        void flush(Group group) {
            if (group.pending.isEmpty()) {
                return;
            }
            List<ProfileRow> chunk = group.take();
            List<String> identifiers = group.identifiers(chunk);
            for (String id : identifiers) {
                gathered.remove(id, group);
            }
            sink.accept(group, chunk, identifiers);
        }
    }

    /**
     * Hands chunks to the pipeline in the order given, on a thread of its own: waiting for a place in the account's
     * lane then never holds up the batch's thread, which goes on normalising. Once the pipeline says the batch has
     * stopped, later chunks are dropped (their rows stay without an outcome and fail with the stop's error).
     * Closing waits until every chunk given has been handed over and rethrows what went wrong meanwhile.
     */
    private static final class Dispatcher implements AutoCloseable {
        private static final AtomicInteger THREADS = new AtomicInteger();

        private final ChunkPipeline pipeline;
        private final LogContext logContext = LogContext.capture();
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "xtremepush-dispatch-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private volatile boolean stopped;

        Dispatcher(ChunkPipeline pipeline) {
            this.pipeline = pipeline;
        }

        void submit(RowIsolation<ProfileRow> delivery, List<ProfileRow> chunk, List<String> identifiers) {
            if (stopped) {
                return;
            }
            thread.execute(() -> logContext.run(() -> {
                if (stopped) {
                    return;
                }
                try {
                    if (!pipeline.submit(delivery, chunk, identifiers)) {
                        stopped = true;
                    }
                } catch (RuntimeException e) {
                    stopped = true;
                    failure.compareAndSet(null, e);
                }
            }));
        }

        @Override
        public void close() {
            thread.shutdown();
            try {
                while (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
                    // chunks wait for their turn in the lane, within the batch's deadline
                }
            } catch (InterruptedException e) {
                thread.shutdownNow();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while chunks were handed over", e);
            }
            RuntimeException thrown = failure.get();
            if (thrown != null) {
                throw thrown;
            }
        }
    }

    /** One line per delivered chunk: the progress of a long batch. */
    static void progress(SyncRequest request, RowResults results, int requests) {
        log.info("batch {} of sync {}: chunk delivered in {} request(s), {}/{} rows have an outcome",
                request.batchId(), request.syncId(), requests, results.done(), results.total());
    }
}
