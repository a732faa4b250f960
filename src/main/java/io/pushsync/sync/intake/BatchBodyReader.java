package io.pushsync.sync.intake;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import io.pushsync.sync.RowFields;
import io.pushsync.sync.RowShape;

/**
 * Reads a batch or job request as a stream ({@link BatchBody}): the rows never exist as one JSON tree, and the
 * payload's digest is computed on the bytes as they are read. The parser is the application's, so its limits
 * (document length, nesting depth) apply; a malformed body fails with the parser's {@code JacksonException}.
 *
 * <p>A key that an object of the body repeats (at the top, in a row, in {@code fields}, in any value) fails the read
 * with a {@link DuplicateKeyException} naming it: a 400. A row with more fields than {@code
 * pushsync.batch.max-fields-per-row} keeps none of them ({@link RowFields#fieldsSent()}): the validator fails that
 * row, and what the reader holds for it does not grow with its names.
 */
@Component
public class BatchBodyReader {

    /** Names of properties a row may not have that are kept for the error message; the rest are only counted. */
    private static final int MAX_UNKNOWN_NAMES = 5;
    /** Rows read one at a time that share a tree of field names ({@link #shapes}). */
    private static final int SHAPE_TREE_ROWS = 4096;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BatchBodyReader DEFAULT = new BatchBodyReader(JsonMapper.builder().build());

    private final JsonMapper json;
    private final int maxFieldsPerRow;

    /** A reader that keeps every field of a row, however many (the validator still fails a row with too many). */
    public BatchBodyReader(JsonMapper json) {
        this(json, Integer.MAX_VALUE);
    }

    /** A reader that keeps no field of a row with more than {@code maxFieldsPerRow} of them. */
    public BatchBodyReader(JsonMapper json, int maxFieldsPerRow) {
        this.json = json;
        this.maxFieldsPerRow = maxFieldsPerRow;
    }

    @Autowired
    public BatchBodyReader(JsonMapper json, BatchProperties limits) {
        this(json, limits.maxFieldsPerRow());
    }

    /** A reader on a default mapper: for bodies that already are trees ({@link #of(JsonNode)}). */
    public static BatchBodyReader defaults() {
        return DEFAULT;
    }

    /**
     * A body that is already a tree (tests, callers in code): its tokens are read the same way as a stream's, and the
     * digest is taken over its JSON text, which has no whitespace, so it equals the digest of the same body sent.
     */
    public BatchBody of(JsonNode body) {
        JsonNode tree = body == null ? NODES.nullNode() : body; // not an object: the validator says so
        CanonicalDigestStream digest = new CanonicalDigestStream(InputStream.nullInputStream());
        digest.feed(json.writeValueAsBytes(tree));
        try (JsonParser p = json.treeAsTokens(tree)) {
            return read(p, digest, Integer.MAX_VALUE, null);
        }
    }

    /**
     * One JSON document as a tree, as the mapper would read it but for a key repeated in an object, which is
     * refused (for bodies read whole).
     *
     * @return the tree, or null when the body has no JSON value (empty or only whitespace)
     * @throws DuplicateKeyException when an object of the body repeats a key
     * @throws tools.jackson.core.JacksonException when the body is not well-formed JSON or breaks a parser limit
     */
    public JsonNode tree(byte[] body) {
        try (JsonParser p = json.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            JsonNode tree = value(p, first);
            if (p.nextToken() != null) {
                throw new tools.jackson.core.exc.StreamReadException(p, "trailing content after the JSON value");
            }
            return tree;
        }
    }

    /**
     * Reads the whole stream.
     *
     * @param keepRows rows beyond this many are counted ({@link BatchBody#rowCount()}) but not kept
     * @return the body; {@link BatchBody#head()} is null when it is not a JSON object
     * @throws tools.jackson.core.JacksonException when the body is not well-formed JSON or breaks a parser limit
     * @throws MissingBodyException when the body is empty
     * @throws DuplicateKeyException when an object of the body repeats a key (rows beyond {@code keepRows} are
     *     not looked into)
     */
    public BatchBody read(InputStream in, int keepRows) {
        return read(in, keepRows, null);
    }

    /**
     * Reads the whole stream as {@link #read(InputStream, int)}, showing {@code sink} each row as it is read (those
     * not kept too), so that a body that is not kept can be checked in the same pass.
     *
     * @param sink told when {@code rows} starts and given its rows; null for none
     */
    public BatchBody read(InputStream in, int keepRows, RowSink sink) {
        CanonicalDigestStream digesting = new CanonicalDigestStream(in);
        try (JsonParser p = json.createParser(digesting)) {
            return read(p, digesting, keepRows, sink);
        }
    }

    /** What {@link #read(InputStream, int, RowSink)} shows the rows of a body to while it reads them. */
    public interface RowSink {

        /**
         * {@code rows} starts, and is an array. {@code head} holds the top-level properties read before it; it is the
         * object that goes on to get those after it.
         *
         * @return whether to be given the rows
         */
        boolean rowsStart(ObjectNode head);

        /** The row at {@code index} of {@code rows}, in order; it is not kept. */
        void row(int index, BatchBody.RawRow row);
    }

    private BatchBody read(JsonParser p, CanonicalDigestStream digesting, int keepRows, RowSink sink) {
        JsonToken first = p.nextToken();
        if (first == null) {
            throw new MissingBodyException();
        }
        ObjectNode head = null;
        List<BatchBody.RawRow> rows = null;
        int count = 0;
        if (first == JsonToken.START_OBJECT) {
            head = NODES.objectNode();
            boolean rowsSeen = false;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                boolean isRows = "rows".equals(name);
                if (isRows ? rowsSeen : head.has(name)) {
                    // which one would count? (A job reads its rows again from the first: RowCursor)
                    throw duplicate(p, name);
                }
                JsonToken t = p.nextToken();
                rowsSeen |= isRows;
                if (isRows && t == JsonToken.START_ARRAY) {
                    rows = new ArrayList<>(Math.min(keepRows, 1024));
                    count = readRows(p, rows, keepRows, sink != null && sink.rowsStart(head) ? sink : null);
                } else if (isRows) {
                    head.set(name, value(p, t)); // not an array: the validator reports it
                    rows = null;
                } else {
                    head.set(name, value(p, t));
                }
            }
        } else {
            value(p, first); // read (and check) the rest of the value; the validator rejects it
        }
        if (p.nextToken() != null) {
            throw new tools.jackson.core.exc.StreamReadException(p,
                    "trailing content after the JSON value");
        }
        digesting.drain();
        return new BatchBody(head, rows, count, digesting.digest());
    }

    /**
     * Keeps the first {@code keepRows} rows, counts the others and shows each to {@code sink} (when not null). The rows
     * only shown share their field names {@value #SHAPE_TREE_ROWS} rows at a time ({@link #shapes}), as a
     * {@link RowCursor}'s do.
     */
    private int readRows(JsonParser p, List<BatchBody.RawRow> rows, int keepRows, RowSink sink) {
        RowFields.Builder fields = new RowFields.Builder(RowShape.root(), maxFieldsPerRow);
        RowFields.Builder shown = null;
        int count = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            count++;
            if (count <= keepRows) {
                BatchBody.RawRow row = readRow(p, t, fields);
                rows.add(row);
                if (sink != null) {
                    sink.row(count - 1, row);
                }
            } else if (sink != null) {
                shown = shapes(count - 1 - keepRows, shown);
                sink.row(count - 1, readRow(p, t, shown));
            } else {
                p.skipChildren();
            }
        }
        return count;
    }

    /**
     * The rows of a body read one at a time from a stream, such as a job's body spooled to a file: each row as
     * {@link #read} would keep it, none kept here. The body is expected to have been read (and checked) by
     * {@link #read} before; a body without a {@code rows} array has no rows.
     *
     * @throws tools.jackson.core.JacksonException when the stream is not well-formed JSON
     */
    public RowCursor rows(InputStream in) {
        return new RowCursor(json.createParser(in));
    }

    /** The element of {@code rows} starting at token {@code t}. */
    private BatchBody.RawRow readRow(JsonParser p, JsonToken start, RowFields.Builder fields) {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return BatchBody.RawRow.NOT_AN_OBJECT;
        }
        JsonNode id = null;
        JsonNode change = null;
        RowFields values = null;
        boolean fieldsSeen = false;
        List<String> unknown = List.of();
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            switch (name) {
                case "id" -> {
                    if (id != null) {
                        throw duplicate(p, name);
                    }
                    id = value(p, p.nextToken());
                }
                case "change" -> {
                    if (change != null) {
                        throw duplicate(p, name);
                    }
                    change = value(p, p.nextToken());
                }
                case "fields" -> {
                    if (fieldsSeen) {
                        throw duplicate(p, name);
                    }
                    fieldsSeen = true;
                    JsonToken t = p.nextToken();
                    if (t == JsonToken.START_OBJECT) {
                        values = fields(p, fields);
                    } else {
                        value(p, t);
                        values = null;
                    }
                }
                default -> {
                    p.nextToken();
                    p.skipChildren();
                    if (unknown.size() < MAX_UNKNOWN_NAMES) {
                        unknown = unknown.isEmpty() ? new ArrayList<>(2) : unknown;
                        unknown.add(name);
                    }
                }
            }
        }
        return new BatchBody.RawRow(true, id, change, values, unknown);
    }

    /**
     * The object whose {@code START_OBJECT} is the parser's current token, read into {@code fields} (a row's
     * {@code fields}, a Census record): a name given twice fails the read with a {@link DuplicateKeyException}; an
     * object with more names than the builder's limit keeps none of its values ({@link RowFields#fieldsSent()}).
     */
    public static RowFields fields(JsonParser p, RowFields.Builder fields) {
        for (String field = p.nextName(); field != null; field = p.nextName()) {
            if (!fields.put(field, value(p, p.nextToken()))) {
                throw duplicate(p, field);
            }
        }
        return fields.build();
    }

    /**
     * The value at the current token, as the mapper's tree would have it; scalars without the mapper's overhead,
     * objects and arrays read here to refuse a repeated key ({@link DuplicateKeyException}).
     */
    public static JsonNode value(JsonParser p, JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> NODES.stringNode(p.getString());
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> p.readValueAsTree();
            };
            case START_OBJECT -> object(p);
            case START_ARRAY -> array(p);
            default -> p.readValueAsTree();
        };
    }

    /** The object that starts at the current token (its depth is bounded by the parser's nesting limit). */
    private static ObjectNode object(JsonParser p) {
        ObjectNode o = NODES.objectNode();
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            if (o.putIfAbsent(name, value(p, p.nextToken())) != null) {
                throw duplicate(p, name);
            }
        }
        return o;
    }

    private static ArrayNode array(JsonParser p) {
        ArrayNode a = NODES.arrayNode();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            a.add(value(p, t));
        }
        return a;
    }

    /**
     * {@code name}, the current property name of the parser, repeated in its object: the exception to throw, with a
     * pointer to the second occurrence.
     */
    public static DuplicateKeyException duplicate(JsonParser p, String name) {
        return new DuplicateKeyException(name, p.streamReadContext().pathAsPointer().toString());
    }

    /**
     * {@code current}, or for every {@value #SHAPE_TREE_ROWS}th row not kept ({@code nth} from 0) a builder with a tree
     * of field names of its own: rows read one at a time share their names with the rows shortly before them, and a
     * body whose rows all have different names cannot grow the tree without bound.
     */
    private RowFields.Builder shapes(int nth, RowFields.Builder current) {
        return nth % SHAPE_TREE_ROWS == 0 ? new RowFields.Builder(RowShape.root(), maxFieldsPerRow) : current;
    }

    /**
     * A forward-only cursor over the rows of one body ({@link #rows(InputStream)}); closing it closes the stream.
     * Rows share their field names ({@link RowShape}) with the rows read shortly before them: the tree of
     * names starts afresh every {@value #SHAPE_TREE_ROWS} rows, so a body whose rows all have different names
     * cannot grow it without bound.
     */
    public final class RowCursor implements AutoCloseable {

        private final JsonParser parser;
        private RowFields.Builder fields;
        private int index = -1;
        private boolean inRows;

        private RowCursor(JsonParser parser) {
            this.parser = parser;
            try {
                this.inRows = findRows();
            } catch (RuntimeException e) {
                parser.close(); // a broken file: its stream is closed with the parser
                throw e;
            }
        }

        private boolean findRows() {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                JsonToken t = parser.nextToken();
                if ("rows".equals(name) && t == JsonToken.START_ARRAY) {
                    return true;
                }
                parser.skipChildren();
            }
            return false;
        }

        /** The next row, or null after the last one. */
        public BatchBody.RawRow next() {
            if (!inRows) {
                return null;
            }
            JsonToken t = parser.nextToken();
            if (t == JsonToken.END_ARRAY) {
                inRows = false;
                return null;
            }
            index++;
            fields = shapes(index, fields);
            return readRow(parser, t, fields);
        }

        /**
         * The next row's {@code id} if it is a string (else null), its other members skipped unread; throws
         * {@link java.util.NoSuchElementException} after the last row. For a body that was validated: the ids alone
         * cost a fraction of reading whole rows.
         */
        public String nextId() {
            JsonToken t = inRows ? parser.nextToken() : JsonToken.END_ARRAY;
            if (t == JsonToken.END_ARRAY) {
                inRows = false;
                throw new java.util.NoSuchElementException("no row after row " + index);
            }
            index++;
            String id = null;
            if (t == JsonToken.START_OBJECT) {
                for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.VALUE_STRING && "id".equals(name)) {
                        id = parser.getString();
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
            return id;
        }

        /** The position in {@code rows} of the row {@link #next()} returned last (-1 before the first). */
        public int index() {
            return index;
        }

        @Override
        public void close() {
            parser.close();
        }
    }
}
