package io.pushsync.sync.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The in-process index: a bounded deque, newest first, trimmed by count and age on every write and read (registered
 * by {@code sync.runs.RunsConfiguration} when {@code pushsync.state.store=in-process}).
 */
public class InMemoryRunHistory implements RunHistory {

    private final Deque<RunRecord> runs = new ArrayDeque<>();
    private final int maxRuns;
    private final Duration retention;
    private final Clock clock;

    public InMemoryRunHistory(int maxRuns, Duration retention, Clock clock) {
        this.maxRuns = maxRuns;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public synchronized void record(RunRecord run) {
        runs.addFirst(run);
        trim();
    }

    @Override
    public synchronized List<RunRecord> recent(int limit) {
        trim();
        List<RunRecord> out = new ArrayList<>(Math.min(limit, runs.size()));
        Iterator<RunRecord> it = runs.iterator();
        while (it.hasNext() && out.size() < limit) {
            out.add(it.next());
        }
        out.sort((a, b) -> b.at().compareTo(a.at()));
        return out;
    }

    private void trim() {
        while (runs.size() > maxRuns) {
            runs.removeLast();
        }
        Instant oldest = clock.instant().minus(retention);
        runs.removeIf(r -> r.at().isBefore(oldest));
    }
}
