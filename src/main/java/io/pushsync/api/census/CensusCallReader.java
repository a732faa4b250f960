package io.pushsync.api.census;

import io.pushsync.sync.intake.BatchBodyReader;
import io.pushsync.sync.intake.DuplicateKeyException;
import io.pushsync.sync.intake.CanonicalDigestStream;
import io.pushsync.sync.RowFields;
import io.pushsync.sync.RowShape;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
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
        /** Each kept record's identifier value (null: none), when its field was known while reading; else null. */
        private final List<JsonNode> identifiers;
        private final String identifierField;
        private int count;
        private boolean allObjects = true;

        private Records(boolean array, String identifierField) {
            this.array = array;
            this.kept = array ? new ArrayList<>() : List.of();
            this.identifierField = identifierField;
            this.identifiers = identifierField == null || !array ? null : new ArrayList<>();
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
         * only when {@code sync_plan} came before {@code records} in the call (its identifier was then known while
         * the records were read, and kept for each record).
         */
        JsonNode value(int i, String field) {
            if (field == null) {
                return null;
            }
            if (identifiers != null && field.equals(identifierField)) {
                return identifiers.get(i);
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
     * @return the call, or null when the stream has no JSON value (empty or only whitespace)
     * @throws tools.jackson.core.JacksonException when the call is not well-formed JSON or breaks a parser limit
     * @throws DuplicateKeyException when an object of the call repeats a key
     */
    Call read(InputStream in, Function<JsonNode, String> identifierOf) {
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
                        records = params(p, o, identifierOf);
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
    private Records params(JsonParser p, ObjectNode params, Function<JsonNode, String> identifierOf) {
        Records records = null;
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            boolean isRecords = "records".equals(name);
            if (isRecords ? records != null : params.has(name)) {
                throw BatchBodyReader.duplicate(p, name);
            }
            JsonToken t = p.nextToken();
            if (isRecords && t == JsonToken.START_ARRAY) {
                JsonNode plan = params.get("sync_plan");
                records = records(p, plan == null ? null : identifierOf.apply(plan));
            } else if (isRecords) {
                BatchBodyReader.value(p, t); // not an array: Invalid params
                records = new Records(false, null);
            } else {
                params.set(name, BatchBodyReader.value(p, t));
            }
        }
        return records;
    }

    /** The elements of the array that starts at the current token. */
    private Records records(JsonParser p, String identifierField) {
        Records records = new Records(true, identifierField);
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
                JsonNode[] identifier = new JsonNode[1];
                records.kept.add(record(p, fields, identifierField, identifier));
                if (records.identifiers != null) {
                    records.identifiers.add(identifier[0]);
                }
            }
        }
        return records;
    }

    /**
     * A record, read as {@link BatchBodyReader#fields} reads a row's {@code fields}; the value of
     * {@code identifierField} (if any) is put in {@code identifier[0]}, also when the record keeps no fields.
     */
    private static RowFields record(JsonParser p, RowFields.Builder fields, String identifierField,
            JsonNode[] identifier) {
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonNode value = BatchBodyReader.value(p, p.nextToken());
            if (!fields.put(name, value)) {
                throw BatchBodyReader.duplicate(p, name);
            }
            if (name.equals(identifierField)) {
                identifier[0] = value;
            }
        }
        return fields.build();
    }
}
