package io.pushsync.api.census;

import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.DuplicateKeyException;
import io.pushsync.sync.intake.CanonicalDigestStream;
import io.pushsync.sync.RowFields;
import io.pushsync.sync.RowShape;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads one Census call (a JSON-RPC 2.0 request) from a stream, as {@link BatchBodyReader} reads a {@code /v1} batch:
 * the envelope ({@code jsonrpc}, {@code method}, {@code id}, any other top-level member) and {@code params} but its
 * {@code records} as small trees, each record of {@code params.records} straight into the compact row form
 * ({@link RowFields}), so a large {@code sync_batch} is never one JSON tree. The members may come in any order.
 *
 * <p>As for {@code /v1} bodies: the parser is the application's (its document length and nesting limits apply); a
 * key repeated in any object read fails the read with a {@link DuplicateKeyException}; a record with
 * more fields than {@code pushsync.batch.max-fields-per-row} keeps none of them ({@link RowFields#fieldsSent()} says
 * how many it had); records beyond {@code keepRecords} are counted and skipped, not kept nor looked into; the digest of
 * the call's bytes without the whitespace outside strings is taken while they are read.
 */
final class CensusCallReader {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonMapper json;
    private final int maxFieldsPerRow;
    private final int keepRecords;

    CensusCallReader(JsonMapper json, int maxFieldsPerRow, int keepRecords) {
        this.json = json;
        this.maxFieldsPerRow = maxFieldsPerRow;
        this.keepRecords = keepRecords;
    }

    /**
     * One call as read.
     *
     * @param envelope the top-level members but {@code params}; null when the call is not a JSON object
     * @param params {@code params} as given, an object without its {@code records}; null when absent
     * @param records {@code params.records}; null when absent
     * @param digest SHA-256 of the call's bytes without insignificant whitespace
     */
    record Call(ObjectNode envelope, JsonNode params, Records records, byte[] digest) {

        boolean isObject() {
            return envelope != null;
        }
    }

    /** {@code params.records}: the records kept in row form, and how many there were. */
    static final class Records {
        private final boolean array;
        private final List<RowFields> kept;
        /**
         * The fields whose values are kept for every kept record, even one over the field limit: the identifier
         * field when the {@code sync_plan} came first, else every field a plan can name as the identifier.
         */
        private final List<String> identifierFields;
        /** Each kept record's values of {@link #identifierFields}, in that order (null: the record has none). */
        private final List<JsonNode[]> identifiers;
        private int count;
        private boolean allObjects = true;

        private Records(boolean array, List<String> identifierFields) {
            this.array = array;
            this.kept = array ? new ArrayList<>() : List.of();
            this.identifierFields = identifierFields;
            this.identifiers = array ? new ArrayList<>() : List.of();
        }

        /** Whether {@code records} is an array. */
        boolean isArray() {
            return array;
        }

        /** Whether every record is a JSON object. */
        boolean allObjects() {
            return allObjects;
        }

        /** How many records there are (also those beyond the ones kept). */
        int count() {
            return count;
        }

        /** The records kept, in order (the first {@code keepRecords}). */
        List<RowFields> kept() {
            return kept;
        }

        /** Kept record {@code i}, handed over: these records no longer hold it ({@link #value} no longer sees it). */
        RowFields take(int i) {
            return kept.set(i, null);
        }

        /**
         * The value of {@code field} in kept record {@code i} as sent, or null. A record over the field limit has it
         * when {@code field} is an identifier field: the plan's, when {@code sync_plan} came before {@code records},
         * else any field a plan can name as the identifier (all of them were kept for each record).
         */
        JsonNode value(int i, String field) {
            if (field == null) {
                return null;
            }
            int k = identifierFields.indexOf(field);
            if (k >= 0) {
                return identifiers.get(i)[k];
            }
            return kept.get(i).get(field);
        }
    }

    /**
     * Reads the whole stream.
     *
     * @param identifierOf the identifier field of a {@code sync_plan} (null when it cannot tell): asked when the
     *     records come after the {@code sync_plan}, so that each record's identifier value is kept even for a record
     *     whose fields are not
     * @param identifierFields every field a {@code sync_plan} of this call can name as the identifier (the
     *     connection's objects' identifiers): their values are kept for each record when the records come before the
     *     {@code sync_plan}
     * @return the call, or null when the stream has no JSON value (empty or only whitespace)
     * @throws tools.jackson.core.JacksonException when the call is not well-formed JSON or breaks a parser limit
     * @throws DuplicateKeyException when an object of the call repeats a key
     */
    Call read(InputStream in, Function<JsonNode, String> identifierOf, Set<String> identifierFields) {
        CanonicalDigestStream digesting = new CanonicalDigestStream(in);
        try (JsonParser p = json.createParser(digesting)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            ObjectNode envelope = null;
            JsonNode params = null;
            Records records = null;
            if (first == JsonToken.START_OBJECT) {
                envelope = NODES.objectNode();
                boolean paramsSeen = false;
                for (String name = p.nextName(); name != null; name = p.nextName()) {
                    boolean isParams = "params".equals(name);
                    if (isParams ? paramsSeen : envelope.has(name)) {
                        throw BatchBodyReader.duplicate(p, name);
                    }
                    JsonToken t = p.nextToken();
                    if (isParams && t == JsonToken.START_OBJECT) {
                        ObjectNode o = NODES.objectNode();
                        records = params(p, o, identifierOf, identifierFields);
                        params = o;
                    } else if (isParams) {
                        params = BatchBodyReader.value(p, t); // not an object: an Invalid Request
                    } else {
                        envelope.set(name, BatchBodyReader.value(p, t));
                    }
                    paramsSeen |= isParams;
                }
            } else {
                BatchBodyReader.value(p, first); // read (and check) the rest of the value: an Invalid Request
            }
            if (p.nextToken() != null) {
                throw new StreamReadException(p, "trailing content after the JSON value");
            }
            digesting.drain();
            return new Call(envelope, params, records, digesting.digest());
        }
    }

    /** The members of {@code params} into {@code params}, but {@code records}, which is returned. */
    private Records params(JsonParser p, ObjectNode params, Function<JsonNode, String> identifierOf,
            Set<String> identifierFields) {
        Records records = null;
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            boolean isRecords = "records".equals(name);
            if (isRecords ? records != null : params.has(name)) {
                throw BatchBodyReader.duplicate(p, name);
            }
            JsonToken t = p.nextToken();
            if (isRecords && t == JsonToken.START_ARRAY) {
                JsonNode plan = params.get("sync_plan");
                String planned = plan == null ? null : identifierOf.apply(plan);
                records = records(p, plan == null ? List.copyOf(identifierFields)
                        : planned == null ? List.of() : List.of(planned));
            } else if (isRecords) {
                BatchBodyReader.value(p, t); // not an array: Invalid params
                records = new Records(false, List.of());
            } else {
                params.set(name, BatchBodyReader.value(p, t));
            }
        }
        return records;
    }

    /** The elements of the array that starts at the current token. */
    private Records records(JsonParser p, List<String> identifierFields) {
        Records records = new Records(true, identifierFields);
        RowFields.Builder fields = new RowFields.Builder(RowShape.root(), maxFieldsPerRow);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            records.count++;
            boolean object = t == JsonToken.START_OBJECT;
            records.allObjects &= object;
            if (records.count > keepRecords) {
                p.skipChildren(); // counted for the refusal, not looked into
            } else if (!object) {
                BatchBodyReader.value(p, t); // Invalid params
            } else {
                JsonNode[] identifier = identifierFields.isEmpty() ? null : new JsonNode[identifierFields.size()];
                records.kept.add(record(p, fields, identifierFields, identifier));
                records.identifiers.add(identifier);
            }
        }
        return records;
    }

    /**
     * A record, read as {@link BatchBodyReader#fields} reads a row's {@code fields}; the value of each of
     * {@code identifierFields} is put at its place in {@code identifier}, also when the record keeps no fields.
     */
    private static RowFields record(JsonParser p, RowFields.Builder fields, List<String> identifierFields,
            JsonNode[] identifier) {
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonNode value = BatchBodyReader.value(p, p.nextToken());
            if (!fields.put(name, value)) {
                throw BatchBodyReader.duplicate(p, name);
            }
            int k = identifierFields.indexOf(name);
            if (k >= 0) {
                identifier[k] = value;
            }
        }
        return fields.build();
    }
}
