package io.pushsync.api.census;

import io.pushsync.sync.values.Text;

/** A JSON-RPC error raised while handling a call, with the JSON-RPC 2.0 error codes the endpoint answers. */
final class RpcError extends RuntimeException {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    static final int BATCH_IN_PROGRESS = -32000;

    final int code;

    RpcError(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A caller's string for an error message: at most 100 characters, control characters replaced. */
    static String printable(String s) {
        return Text.clip(s, 100).replaceAll("\\p{Cntrl}", "?");
    }
}
