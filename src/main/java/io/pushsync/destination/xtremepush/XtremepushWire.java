package io.pushsync.destination.xtremepush;

import io.pushsync.sync.Secret;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Every Xtremepush wire detail in one place. Entries marked UNCONFIRMED are choices made where the vendor's
 * documents are silent (docs: vendors.md); fix them here when a real account shows otherwise.
 */
final class XtremepushWire {

    static final String PROFILE_IMPORT_PATH = "/api/external/import/profile";
    /** UNCONFIRMED: path of the list import. */
    static final String LIST_IMPORT_PATH = "/api/external/import/list";
    static final String PROFILE_LIST_PATH = "/api/external/list/profile";
    /** The app token travels in the JSON body under this name, never in a header. */
    static final String TOKEN_FIELD = "apptoken";
    /** What a dry run's bodies carry instead of the app token. */
    static final Secret REDACTED_TOKEN = Secret.of("****");

    // OAuth 2.0 (docs.xtremepush.com, "OAuth 2.0": POST /api/oauth/token, POST only, grant types client_credentials
    // and jwt-bearer). Defaults of pushsync.xtremepush.oauth.*; everything but the path and grant is UNCONFIRMED.
    static final String TOKEN_PATH = "/api/oauth/token";
    static final String GRANT_CLIENT_CREDENTIALS = "client_credentials";
    /** UNCONFIRMED: form-encoded {@code client_id}/{@code client_secret} (RFC 6749 2.3.1), else {@code basic}. */
    static final String CLIENT_AUTHENTICATION = "form";
    /** UNCONFIRMED: the standard answer {@code {access_token, token_type, expires_in}}. */
    static final String ACCESS_TOKEN_FIELD = "access_token";
    static final String EXPIRES_IN_FIELD = "expires_in";
    /** UNCONFIRMED: {@code Authorization: Bearer <token>} and no {@code apptoken} in the body, else {@code body}. */
    static final String TOKEN_TRAVELS = "header";

    /** The token request's form body: the grant, plus the client's id and secret unless they travel as Basic. */
    static byte[] tokenRequest(String clientId, Secret clientSecret, boolean basic) {
        StringBuilder form = new StringBuilder("grant_type=").append(GRANT_CLIENT_CREDENTIALS);
        if (!basic) {
            form.append("&client_id=").append(formEncode(clientId))
                    .append("&client_secret=").append(formEncode(clientSecret.reveal()));
        }
        return form.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code Basic base64(id:secret)}, each form-encoded first (RFC 6749 2.3.1). */
    static Secret basicAuthorization(String clientId, Secret clientSecret) {
        String pair = formEncode(clientId) + ":" + formEncode(clientSecret.reveal());
        return Secret.of("Basic " + java.util.Base64.getEncoder()
                .encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static String formEncode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
    /** UNCONFIRMED: list import modes. */
    static final String LIST_MODE_ADD = "create";
    static final String LIST_MODE_REMOVE = "delete";
    /** Where a 202's task id may be, first match wins. UNCONFIRMED: the documents name no position. */
    private static final List<String> TASK_ID_POINTERS =
            List.of("/data/task_id", "/data/taskId", "/data/id", "/model/id", "/task_id", "/id");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private XtremepushWire() {
    }

    /**
     * A request body, written straight to a generator: rows go from their values to the bytes, with no JSON tree
     * or list copy in between.
     */
    @FunctionalInterface
    interface Body {
        void writeTo(JsonGenerator g);

        /**
         * The body's length in bytes as {@code json}'s generator writes it. This one writes the body and counts the
         * bytes without keeping them; the import bodies add up the sizes their rows were measured at instead.
         */
        default long size(JsonMapper json) {
            return measure(json, this::writeTo);
        }

        /** The body as bytes, written by {@code json}'s generator (the same output as serialising a tree). */
        default byte[] toBytes(JsonMapper json) {
            return toBytes(json, size(json));
        }

        /**
         * The body as bytes, written straight into an array of {@code size} bytes (its {@link #size}): no buffer
         * grows, and the array written is the one returned, not copied. A wrong {@code size} still gives the whole
         * body, at the cost of a copy.
         */
        default byte[] toBytes(JsonMapper json, long size) {
            Filling out = new Filling((int) Math.min(Math.max(size, 0), Integer.MAX_VALUE - 8));
            try (JsonGenerator g = json.createGenerator(out)) {
                writeTo(g);
            }
            return out.bytes();
        }
    }

    /** The bytes {@code write} produces with {@code json}'s generator, counted, never kept. */
    static long measure(JsonMapper json, java.util.function.Consumer<JsonGenerator> write) {
        Counting out = new Counting();
        try (JsonGenerator g = json.createGenerator(out)) {
            write.accept(g);
        }
        return out.count;
    }

    /**
     * Writes profile rows one at a time, each as the bytes of a JSON array {@code [v1,v2,...]}, with one generator
     * for all of them (written as the elements of an array: each row's bytes leave the separating comma out). A row
     * is written once: its bytes are its size when it is placed and its part of the body when sent. Not
     * thread-safe: one per thread that encodes rows.
     */
    static final class RowWriter implements AutoCloseable {
        private final Filling out = new Filling(4096);
        private final JsonGenerator g;

        RowWriter(JsonMapper json) {
            g = json.createGenerator(out);
            g.writeStartArray();
            g.flush();
            out.reset();
        }

        /** The row's bytes as the body carries them, written with {@link #writeValue}. */
        byte[] row(JsonNode[] values) {
            g.writeStartArray();
            for (JsonNode value : values) {
                writeValue(g, value);
            }
            g.writeEndArray();
            g.flush();
            return out.takeElement();
        }

        @Override
        public void close() {
            g.close();
        }
    }

    /**
     * An object or array attribute travels as a string of its JSON text (vendors.md). The text is what
     * {@code value.toString()} gives (Jackson's defaults, compact), written by one generator per thread instead of
     * one per call: a row's hot path, and a generator, a serialization context and their buffers a row were a tenth
     * of what a batch allocated. {@code XtremepushWireTest} compares the two.
     */
    static String jsonText(JsonNode value) {
        JsonText text = JSON_TEXT.get();
        String written = text.write(value);
        if (text.oversized()) {
            JSON_TEXT.remove(); // one large value does not keep its buffer on the thread
        }
        return written;
    }

    private static final JsonMapper TEXT_MAPPER = JsonMapper.builder().build();
    private static final ThreadLocal<JsonText> JSON_TEXT = ThreadLocal.withInitial(JsonText::new);

    /** Writes values one at a time as the elements of one array, each taken without its separating comma. */
    private static final class JsonText {
        private static final int KEEP_CHARS = 64 * 1024;

        private final Chars out = new Chars();
        private final JsonGenerator g;

        JsonText() {
            g = TEXT_MAPPER.createGenerator(out);
            g.writeStartArray();
            g.flush();
            out.reset();
        }

        String write(JsonNode value) {
            writeValue(g, value);
            g.flush();
            return out.takeElement();
        }

        boolean oversized() {
            return out.capacity() > KEEP_CHARS;
        }
    }

    /** A {@link java.io.CharArrayWriter} whose elements are taken without what separates them. */
    private static final class Chars extends java.io.CharArrayWriter {
        String takeElement() {
            int from = count > 0 && buf[0] == ',' ? 1 : 0;
            String element = new String(buf, from, count - from);
            reset();
            return element;
        }

        int capacity() {
            return buf.length;
        }
    }

    /**
     * Measures list identifiers one at a time as they are written into a body, with one generator for all of
     * them (they are written as the elements of an array; each one's size leaves the separating comma out). Not
     * thread-safe: one per batch's placing thread.
     */
    static final class Sizer implements AutoCloseable {
        private final Counting out = new Counting();
        private final JsonGenerator g;
        private boolean first = true;

        /** Every character {@link #plainSize(String)} counts without writing. */
        private static final String PLAIN_PROBE = java.util.stream.IntStream.rangeClosed(0x20, 0x7e)
                .filter(c -> c != '"' && c != '\\')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();

        /** False when this generator escapes a character the plain count takes as it is (a non-default feature). */
        private final boolean plain;

        Sizer(JsonMapper json) {
            g = json.createGenerator(out);
            g.writeStartArray();
            g.flush();
            plain = written(w -> w.writeString(PLAIN_PROBE)) == PLAIN_PROBE.length() + 2;
        }

        private int written(java.util.function.Consumer<JsonGenerator> write) {
            long before = out.count + (first ? 0 : 1); // the comma before every element but the first
            write.accept(g);
            g.flush();
            first = false;
            return (int) Math.min(Integer.MAX_VALUE, out.count - before);
        }

        /** The bytes of a string, quotes and escapes included. */
        int string(String value) {
            int known = plain ? plainSize(value) : -1;
            if (known >= 0) {
                return known;
            }
            return written(w -> w.writeString(value));
        }

        /** A string's bytes with its quotes when none of its characters is escaped or multi-byte, else -1. */
        static int plainSize(String s) {
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                    return -1;
                }
            }
            return s.length() + 2;
        }

        @Override
        public void close() {
            g.close();
        }
    }

    /** The size of a body's rows or items: each element's size and a comma between two. */
    static long elementsSize(long elementsBytes, int elements) {
        return elementsBytes + Math.max(0, elements - 1);
    }

    /** Counts what is written and keeps nothing. */
    private static final class Counting extends java.io.OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** Fills an array of the expected size; grows it only when the expectation was wrong. */
    private static final class Filling extends java.io.OutputStream {
        private byte[] buf;
        private int count;

        Filling(int capacity) {
            buf = new byte[capacity];
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(count + more, buf.length * 2));
            }
        }

        byte[] bytes() {
            return count == buf.length ? buf : java.util.Arrays.copyOf(buf, count);
        }

        void reset() {
            count = 0;
        }

        /**
         * The bytes written since the last take, without what separates them from the element before (a comma, and
         * the white space of a generator that indents), then starts again.
         */
        byte[] takeElement() {
            int from = 0;
            while (from < count && (buf[from] == ',' || buf[from] == ' ' || buf[from] == '\n' || buf[from] == '\r'
                    || buf[from] == '\t')) {
                from++;
            }
            byte[] element = java.util.Arrays.copyOfRange(buf, from, count);
            count = 0;
            return element;
        }
    }

    /**
     * {@code {apptoken, columns, rows}}: each row's bytes ({@link RowWriter}) hold its values aligned to
     * {@code columns}; {@code token} null leaves {@code apptoken} out (an OAuth access token travelling in a header).
     * Its size is the envelope's (measured without rows) plus the rows' sizes, and its bytes are the envelope's with
     * the rows' bytes copied in: no row is written twice.
     */
    static Body profileImport(Secret token, List<String> columns, List<ProfileImport.ProfileRow> rows) {
        return new Body() {
            @Override
            public void writeTo(JsonGenerator g) {
                writeProfileImportHead(g, token, columns);
                for (ProfileImport.ProfileRow row : rows) {
                    g.writeRawValue(new String(row.encoded(), java.nio.charset.StandardCharsets.UTF_8));
                }
                g.writeEndArray();
                g.writeEndObject();
            }

            @Override
            public long size(JsonMapper json) {
                long rowBytes = 0;
                for (ProfileImport.ProfileRow row : rows) {
                    rowBytes += row.size();
                }
                return measure(json, g -> {
                    writeProfileImportHead(g, token, columns);
                    g.writeEndArray();
                    g.writeEndObject();
                }) + elementsSize(rowBytes, rows.size());
            }

            @Override
            public byte[] toBytes(JsonMapper json, long size) {
                Filling out = new Filling((int) Math.min(Math.max(size, 0), Integer.MAX_VALUE - 8));
                try (JsonGenerator g = json.createGenerator(out)) {
                    writeProfileImportHead(g, token, columns);
                    g.flush();
                    for (int i = 0; i < rows.size(); i++) {
                        if (i > 0) {
                            out.write(',');
                        }
                        byte[] row = rows.get(i).encoded();
                        out.write(row, 0, row.length);
                    }
                    // the generator has seen an empty array of rows: it closes it without a comma
                    g.writeEndArray();
                    g.writeEndObject();
                }
                return out.bytes();
            }
        };
    }

    /**
     * Writes {@code value} as {@code g.writeTree(value)} would with Jackson's defaults for trees (every property in
     * its order, nulls included), without looking up a serializer for each value: strings, booleans, nulls, ints,
     * longs, objects and arrays directly, any other number (and anything else) through {@code writeTree}. The
     * profile's hot path: every value of every row.
     */
    static void writeValue(JsonGenerator g, JsonNode value) {
        if (value == null || value.isNull()) {
            g.writeNull();
        } else if (value.isString()) {
            g.writeString(value.stringValue());
        } else if (value.isBoolean()) {
            g.writeBoolean(value.booleanValue());
        } else if (value.isInt()) {
            g.writeNumber(value.intValue());
        } else if (value.isLong()) {
            g.writeNumber(value.longValue());
        } else if (value.isObject()) {
            g.writeStartObject();
            for (Map.Entry<String, JsonNode> property : value.properties()) {
                g.writeName(property.getKey());
                writeValue(g, property.getValue());
            }
            g.writeEndObject();
        } else if (value.isArray()) {
            g.writeStartArray();
            for (JsonNode element : value.values()) {
                writeValue(g, element);
            }
            g.writeEndArray();
        } else {
            g.writeTree(value);
        }
    }

    /** {@code {apptoken, columns, rows: [}: the rows and the closing brackets are the caller's. */
    private static void writeProfileImportHead(JsonGenerator g, Secret token, List<String> columns) {
        g.writeStartObject();
        writeToken(g, token);
        g.writeArrayPropertyStart("columns");
        for (String column : columns) {
            g.writeString(column);
        }
        g.writeEndArray();
        g.writeArrayPropertyStart("rows");
    }

    /**
     * UNCONFIRMED: body {@code {apptoken, id, mode, items}}. Its size is the envelope's plus the members'
     * {@link ListMemberImport.Member#size() sizes}.
     */
    static Body listImport(Secret token, long listId, String mode, List<ListMemberImport.Member> members) {
        return new Body() {
            @Override
            public void writeTo(JsonGenerator g) {
                writeListImport(g, token, listId, mode, members);
            }

            @Override
            public long size(JsonMapper json) {
                long itemBytes = 0;
                for (ListMemberImport.Member member : members) {
                    itemBytes += member.size();
                }
                return measure(json, g -> writeListImport(g, token, listId, mode, List.of()))
                        + elementsSize(itemBytes, members.size());
            }
        };
    }

    private static void writeListImport(JsonGenerator g, Secret token, long listId, String mode,
            List<ListMemberImport.Member> members) {
        g.writeStartObject();
        writeToken(g, token);
        g.writeNumberProperty("id", listId);
        g.writeStringProperty("mode", mode);
        g.writeArrayPropertyStart("items");
        for (ListMemberImport.Member member : members) {
            g.writeString(member.identifier());
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    static Body connectionCheck(Secret token) {
        return g -> {
            g.writeStartObject();
            writeToken(g, token);
            g.writeNumberProperty("limit", 1);
            g.writeEndObject();
        };
    }

    private static void writeToken(JsonGenerator g, Secret token) {
        if (token != null) {
            g.writeStringProperty(TOKEN_FIELD, token.reveal());
        }
    }

    /** UNCONFIRMED: the mobile number as a JSON number of digits, as in the vendor's example. */
    static JsonNode mobileNumber(String e164Digits) {
        return NODES.numberNode(Long.parseLong(e164Digits));
    }

    static String taskId(JsonNode body) {
        if (body == null) {
            return null;
        }
        for (String pointer : TASK_ID_POINTERS) {
            JsonNode n = body.at(pointer);
            if (n != null && !n.isMissingNode() && !n.isNull() && (n.isString() || n.isNumber())) {
                return n.asString();
            }
        }
        return null;
    }

    /** The vendor's words from an envelope {@code {code, success, message, errors}}, or the raw text. */
    static String vendorMessage(JsonNode body, String raw) {
        if (body != null && body.isObject()) {
            StringBuilder sb = new StringBuilder();
            JsonNode message = body.get("message");
            if (message != null && message.isString()) {
                sb.append(message.stringValue());
            }
            JsonNode errors = body.get("errors");
            if (errors != null && errors.isObject()) {
                for (Map.Entry<String, JsonNode> e : errors.properties()) {
                    sb.append(sb.isEmpty() ? "" : "; ").append(e.getKey()).append(": ")
                            .append(e.getValue().isArray() || e.getValue().isObject() ? e.getValue().toString()
                                    : e.getValue().asString());
                }
            } else if (errors != null && !errors.isNull() && !errors.isMissingNode()) {
                sb.append(sb.isEmpty() ? "" : "; ").append(errors.toString());
            }
            if (!sb.isEmpty()) {
                return sb.toString();
            }
        }
        return raw == null || raw.isBlank() ? "(empty body)" : raw;
    }
}
