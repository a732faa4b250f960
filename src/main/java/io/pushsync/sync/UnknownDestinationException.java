package io.pushsync.sync;

import java.util.Set;

public class UnknownDestinationException extends RuntimeException {

    private final String type;

    public UnknownDestinationException(String type, Set<String> known) {
        super("unknown destination type '" + type + "'; known types: " + known);
        this.type = type;
    }

    public String type() {
        return type;
    }
}
