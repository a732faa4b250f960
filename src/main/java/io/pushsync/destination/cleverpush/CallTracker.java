package io.pushsync.destination.cleverpush;

import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.values.Text;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;

/**
 * Turns call outcomes into row outcomes. A row with one call takes its outcome; a tags row succeeds only when all
 * its tag calls did, and otherwise fails with an error naming each failed tag and why. Thread-safe: calls finish on
 * I/O threads in any order. Holds an int per row and a list only for rows with a failed call.
 */
final class CallTracker {

    private record TagFailure(String tag, RowError error) {
    }

    private final RowResults results;
    private final AtomicIntegerArray remaining;
    private final Map<Integer, List<TagFailure>> failures = new ConcurrentHashMap<>();

    CallTracker(RowResults results) {
        this.results = results;
        this.remaining = new AtomicIntegerArray(results.total());
    }

    /** Called before a row's calls are sent. */
    void expect(int row, int calls) {
        remaining.set(row, calls);
    }

    /**
     * {@code error} null means the call succeeded; {@code wholeRow} says the error is the row's, not the call's
     * (the row's subscription could not be resolved), so the row fails with it as it is.
     */
    void record(CleverPushCalls.Call call, RowError error, boolean wholeRow) {
        int row = call.rowIndex();
        if (error != null) {
            failures.computeIfAbsent(row, k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(new TagFailure(wholeRow ? null : call.tag(), error));
        }
        if (remaining.decrementAndGet(row) > 0) {
            return;
        }
        List<TagFailure> rowFailures = failures.remove(row);
        if (rowFailures == null) {
            results.succeeded(row);
            return;
        }
        List<TagFailure> all;
        synchronized (rowFailures) {
            all = List.copyOf(rowFailures);
        }
        TagFailure rowLevel = all.stream().filter(f -> f.tag() == null).findFirst().orElse(null);
        if (rowLevel != null) {
            results.failed(row, rowLevel.error());
        } else {
            results.failed(row, tagsError(all));
        }
    }

    /**
     * One error for a tags row: the code of the first failure that retrying cannot fix (else of the first one),
     * retryable only if every failure is, and a message naming each failed tag.
     */
    private static RowError tagsError(List<TagFailure> all) {
        RowError lead = all.stream().filter(f -> !f.error().retryable()).map(TagFailure::error).findFirst()
                .orElse(all.get(0).error());
        boolean retryable = all.stream().allMatch(f -> f.error().retryable());
        String message = all.size() + " tag(s) failed: " + all.stream()
                .map(f -> f.tag() + " (" + f.error().code() + ": " + Text.clip(f.error().message(), 200) + ")")
                .collect(Collectors.joining("; "));
        return new RowError(lead.code(), CleverPushRows.TAGS, Text.clip(message, 2000), retryable);
    }
}
