package io.pushsync.sync.intake;

import java.util.ArrayList;
import java.util.List;

/**
 * The request problems found so far, each with its JSON Pointer: the first 100 listed, all counted, answered as
 * one {@link InvalidBatchException}.
 */
final class Violations {
    private static final int MAX_REPORTED = 100;
    private final List<Violation> list = new ArrayList<>();
    private int total;

    void add(String pointer, String message) {
        total++;
        if (list.size() < MAX_REPORTED) {
            list.add(new Violation(pointer, message));
        }
    }

    boolean isEmpty() {
        return total == 0;
    }

    /** Forgets every problem after the first {@code kept} (of which at most the first 100 are listed). */
    void truncate(int kept) {
        list.subList(Math.min(kept, list.size()), list.size()).clear();
        total = kept;
    }

    InvalidBatchException exception() {
        if (total > list.size()) {
            list.add(new Violation("", (total - list.size()) + " more problems not listed"));
        }
        return new InvalidBatchException(list);
    }

    int total() {
        return total;
    }

    List<Violation> listed() {
        return list;
    }

    /** JSON Pointer escaping of one reference token (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
