package io.pushsync.destination.cleverpush;

import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Turns call outcomes into row outcomes. A row with one call takes its outcome; a tags row succeeds only when all
 * its tag calls did, and otherwise fails with an error naming each failed tag and why. Thread-safe: calls finish on
 * I/O threads in any order.
 */
final class CallTracker {

    private record TagFailure(String tag, RowError error) {
    }

    private final RowResults results;
    private final Map<Integer, AtomicInteger> remaining = new HashMap<>();
    private final Map<Integer, List<TagFailure>> failures = new HashMap<>();

    CallTracker(List<CleverPushDestination.Call> calls, RowResults results) {
        this.results = results;
        for (CleverPushDestination.Call call : calls) {
            remaining.computeIfAbsent(call.rowIndex(), k -> new AtomicInteger()).incrementAndGet();
            failures.computeIfAbsent(call.rowIndex(), k -> new ArrayList<>());
        }
    }

    /** {@code error} null means the call succeeded. */
    void record(CleverPushDestination.Call call, RowError error) {
        int row = call.rowIndex();
        List<TagFailure> rowFailures = failures.get(row);
        if (error != null) {
            synchronized (rowFailures) {
                rowFailures.add(new TagFailure(call.tag(), error));
            }
        }
        if (remaining.get(row).decrementAndGet() > 0) {
            return;
        }
        List<TagFailure> all;
        synchronized (rowFailures) {
            all = List.copyOf(rowFailures);
        }
        if (all.isEmpty()) {
            results.succeeded(row);
        } else if (call.tag() == null) {
            results.failed(row, all.get(0).error());
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
                .map(f -> f.tag() + " (" + f.error().code() + ": " + clip(f.error().message(), 200) + ")")
                .collect(Collectors.joining("; "));
        return new RowError(lead.code(), CleverPushRows.TAGS, clip(message, 2000), retryable);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
