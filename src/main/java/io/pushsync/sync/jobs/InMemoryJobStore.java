package io.pushsync.sync.jobs;

import io.pushsync.sync.RowResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The in-process job store (the default, {@code pushsync.state.store=in-process}): a single instance needs nothing
 * else. Ids and results are held as compact segments ({@link JobSegments}). Jobs are forgotten when their time is up
 * (checked on every access); they do not survive a restart.
 */
@Component
@ConditionalOnProperty(name = "pushsync.state.store", havingValue = "in-process", matchIfMissing = true)
public class InMemoryJobStore implements JobStore {

    private record Key(String syncId, String batchId) {
    }

    private static final class Entry {
        final JobSpec spec;
        final byte[][] ids;
        final byte[][] results;
        final Map<Integer, byte[]> removed = new ConcurrentHashMap<>();
        volatile JobProgress progress;
        volatile Instant cancelRequestedAt;
        volatile Instant expiresAt;

        Entry(JobSpec spec, JobProgress progress, byte[][] ids, Instant expiresAt) {
            this.spec = spec;
            this.progress = progress;
            this.ids = ids;
            this.results = new byte[ids.length][];
            this.expiresAt = expiresAt;
        }
    }

    private final Map<String, Entry> jobs = new ConcurrentHashMap<>();
    private final Map<Key, String> claims = new ConcurrentHashMap<>();
    private final JobSegments segments;
    private final Clock clock;

    @Autowired
    public InMemoryJobStore(JobSegments segments) {
        this(segments, Clock.systemUTC());
    }

    InMemoryJobStore(JobSegments segments, Clock clock) {
        this.segments = segments;
        this.clock = clock;
    }

    /** Encodes the ids outside the lock (they come from a file), then claims: a replay found first reads none. */
    @Override
    public Submission create(JobSpec spec, JobProgress progress, Iterator<List<String>> rowIds, Duration ttl) {
        Submission held = heldClaim(spec);
        if (held != null) {
            return held;
        }
        byte[][] ids = new byte[spec.segments()][];
        for (int s = 0; s < ids.length; s++) {
            ids[s] = segments.encodeIds(rowIds.next());
        }
        synchronized (this) {
            held = heldClaim(spec);
            if (held != null) {
                return held;
            }
            jobs.put(spec.jobId(), new Entry(spec, progress, ids, clock.instant().plus(ttl)));
            if (!spec.dryRun()) { // a dry run holds no claim: a real delivery of its ids may follow
                claims.put(new Key(spec.syncId(), spec.batchId()), spec.jobId());
            }
            return new Created();
        }
    }

    /** The answer when a live job holds the spec's {@code (syncId, batchId)}, else null. */
    private synchronized Submission heldClaim(JobSpec spec) {
        purgeExpired();
        if (spec.dryRun()) {
            return null;
        }
        String existing = claims.get(new Key(spec.syncId(), spec.batchId()));
        Entry other = existing == null ? null : jobs.get(existing);
        if (other == null) {
            return null;
        }
        return other.spec.fingerprint().equals(spec.fingerprint()) ? new Existing(existing) : new Mismatch(existing);
    }

    @Override
    public Optional<String> jobIdFor(String syncId, String batchId) {
        String holder = claims.get(new Key(syncId, batchId));
        return holder == null ? Optional.empty() : live(holder).map(e -> holder);
    }

    @Override
    public Optional<StoredJob> find(String jobId) {
        return live(jobId).map(e -> new StoredJob(e.spec, e.progress, e.cancelRequestedAt));
    }

    @Override
    public void saveProgress(String jobId, JobProgress progress) {
        live(jobId).ifPresent(e -> e.progress = progress);
    }

    @Override
    public void finish(String jobId, JobProgress progress, Duration retention) {
        live(jobId).ifPresent(e -> {
            e.progress = progress;
            e.expiresAt = clock.instant().plus(retention);
        });
    }

    @Override
    public boolean requestCancel(String jobId, Instant at) {
        Optional<Entry> entry = live(jobId);
        entry.ifPresent(e -> {
            synchronized (e) {
                if (e.cancelRequestedAt == null) {
                    e.cancelRequestedAt = at;
                }
            }
        });
        return entry.isPresent();
    }

    @Override
    public boolean isCancelRequested(String jobId) {
        return live(jobId).map(e -> e.cancelRequestedAt != null).orElse(false);
    }

    @Override
    public void saveResults(String jobId, int segment, List<RowResult> results) {
        live(jobId).ifPresent(e -> e.results[segment] = segments.encodeResults(results));
    }

    @Override
    public Optional<List<RowResult>> results(String jobId, int segment) {
        return live(jobId).map(e -> e.results[segment]).map(segments::decodeResults);
    }

    @Override
    public void saveRemoved(String jobId, int segment, List<RowResult> results) {
        live(jobId).ifPresent(e -> e.removed.put(segment, segments.encodeResults(results)));
    }

    @Override
    public Optional<List<RowResult>> removed(String jobId, int segment) {
        return live(jobId).map(e -> e.removed.get(segment)).map(segments::decodeResults);
    }

    @Override
    public List<String> rowIds(String jobId, int segment) {
        return live(jobId).map(e -> segments.decodeIds(e.ids[segment])).orElse(List.of());
    }

    @Override
    public synchronized void delete(String jobId) {
        Entry e = jobs.remove(jobId);
        if (e != null) {
            claims.remove(new Key(e.spec.syncId(), e.spec.batchId()), jobId);
        }
    }

    /** Forgets every job whose time is up (also run by the job service's progress ticker). */
    @Override
    public synchronized void purgeExpired() {
        Instant now = clock.instant();
        jobs.values().removeIf(e -> {
            boolean expired = !e.expiresAt.isAfter(now);
            if (expired) {
                claims.remove(new Key(e.spec.syncId(), e.spec.batchId()), e.spec.jobId());
            }
            return expired;
        });
    }

    private Optional<Entry> live(String jobId) {
        Entry e = jobs.get(jobId);
        if (e == null) {
            return Optional.empty();
        }
        if (!e.expiresAt.isAfter(clock.instant())) {
            delete(jobId);
            return Optional.empty();
        }
        return Optional.of(e);
    }
}
