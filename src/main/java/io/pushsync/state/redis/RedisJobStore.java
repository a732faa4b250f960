package io.pushsync.state.redis;

import io.pushsync.sync.RowResult;
import io.pushsync.sync.jobs.JobProgress;
import io.pushsync.sync.jobs.JobSegments;
import io.pushsync.sync.jobs.JobSpec;
import io.pushsync.sync.jobs.JobStore;
import io.pushsync.sync.jobs.StoredJob;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs in Redis, compactly: per job
 *
 * <ul>
 *   <li>{@code <prefix>job:{<jobId>}}: a hash of {@code spec} (JSON), {@code progress} (JSON), {@code cancel}
 *       (ISO instant, written with {@code HSETNX}: a separate field, so the owner's progress writes never lose
 *       it) and {@code claim} (the name of the claim key);</li>
 *   <li>{@code <prefix>job:{<jobId>}:ids} and {@code ...:results}: hashes of segment index to
 *       {@link JobSegments} bytes (gzip JSON), a thousand fields for a million rows;</li>
 *   <li>{@code <prefix>jobclaim:<sha256(syncId, batchId)>}: {@code <jobId>\n<fingerprint>}, the idempotency
 *       claim; a dry-run job's claim is {@code <prefix>jobclaim:dry-run:<jobId>}, which no delivery looks at.</li>
 * </ul>
 *
 * Everything is written with the job's {@code ttl}; {@link #finish} sets it all to {@code retention}. Each operation
 * is one Lua script, so a write to a job that has just expired never re-creates a key without a TTL. {@link #create}
 * writes the row ids segment by segment (one call each) before the script that claims and writes the spec: the job
 * only exists once its ids do, and an abandoned creation's ids expire with the TTL.
 */
public class RedisJobStore implements JobStore {

    /** The claim's value when a live job holds it (KEYS[1] the claim, ARGV[1] the job key prefix). */
    private static final String HELD_LUA = """
            local holder = redis.call('GET', KEYS[1])
            if holder then
              local sep = string.find(holder, '\\n', 1, true)
              if sep and redis.call('EXISTS', ARGV[1] .. string.sub(holder, 1, sep - 1) .. '}') == 1 then
                return holder
              end
            end
            """;
    private static final RedisScript<byte[]> HELD = RedisScript.of(HELD_LUA + "return false", byte[].class);
    /** Ids are written before the claim, under the new job's own key with the job's TTL: invisible until then. */
    private static final RedisScript<Long> SAVE_IDS = RedisScript.of("""
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """, Long.class);
    /** Claims and writes the spec, or, when a live job holds the claim, drops the ids written and answers it. */
    private static final RedisScript<byte[]> CREATE = RedisScript.of(HELD_LUA.replace("return holder",
            "redis.call('DEL', KEYS[3]) return holder") + """
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            redis.call('HSET', KEYS[2], 'spec', ARGV[4], 'progress', ARGV[5], 'claim', ARGV[6])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[3], ARGV[3])
            return false
            """, byte[].class);
    private static final String IF_LIVE = "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n";
    private static final RedisScript<Long> SAVE_PROGRESS = RedisScript.of(IF_LIVE
            + "redis.call('HSET', KEYS[1], 'progress', ARGV[1]) return 1", Long.class);
    private static final RedisScript<Long> REQUEST_CANCEL = RedisScript.of(IF_LIVE
            + "redis.call('HSETNX', KEYS[1], 'cancel', ARGV[1]) return 1", Long.class);
    private static final RedisScript<Long> SAVE_RESULTS = RedisScript.of(IF_LIVE + """
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
            return 1
            """, Long.class);
    /** The claim is touched only while it still names this job. */
    private static final String OWN_CLAIM = """
            local claim = redis.call('HGET', KEYS[1], 'claim')
            local own = false
            if claim then
              local v = redis.call('GET', claim)
              own = v and string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. '\\n'
            end
            """;
    private static final RedisScript<Long> FINISH = RedisScript.of(IF_LIVE + OWN_CLAIM + """
            redis.call('HSET', KEYS[1], 'progress', ARGV[2])
            for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
            if own then redis.call('PEXPIRE', claim, ARGV[3]) end
            return 1
            """, Long.class);
    private static final RedisScript<Long> DELETE = RedisScript.of(OWN_CLAIM + """
            if own then redis.call('DEL', claim) end
            return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            """, Long.class);

    private final RedisTemplate<String, byte[]> redis;
    private final String prefix;
    private final JobSegments segments;
    private final JsonMapper json;

    public RedisJobStore(RedisTemplate<String, byte[]> redis, String keyPrefix, JobSegments segments,
            JsonMapper json) {
        this.redis = redis;
        this.prefix = keyPrefix;
        this.segments = segments;
        this.json = json;
    }

    String jobKey(String jobId) {
        return prefix + "job:{" + jobId + "}";
    }

    String claimKey(String syncId, String batchId) {
        return prefix + "jobclaim:" + RedisKeys.pairDigest(syncId, batchId);
    }

    private List<String> keys(String jobId) {
        String job = jobKey(jobId);
        return List.of(job, job + ":ids", job + ":results");
    }

    /**
     * Looks at the claim first (a replay reads no id), writes the ids one segment per call under the new job's key,
     * then claims atomically; a submission that lost a race for the claim deletes the ids it wrote.
     */
    @Override
    public Submission create(JobSpec spec, JobProgress progress, Iterator<List<String>> rowIds, Duration ttl) {
        // a dry run claims a key of its own, which no delivery of its (syncId, batchId) looks at
        String claimKey = spec.dryRun() ? prefix + "jobclaim:dry-run:" + spec.jobId()
                : claimKey(spec.syncId(), spec.batchId());
        byte[] jobPrefix = RedisKeys.utf8(prefix + "job:{");
        byte[] held = RedisKeys.call("read a job claim", () -> redis.execute(HELD, List.of(claimKey), jobPrefix));
        if (held != null) {
            return holder(held, spec);
        }
        List<String> job = keys(spec.jobId());
        byte[] ttlMillis = millis(ttl);
        for (int s = 0; s < spec.segments(); s++) {
            byte[] segment = RedisKeys.utf8(Integer.toString(s));
            byte[] ids = segments.encodeIds(rowIds.next());
            RedisKeys.run("store a job's row ids", () -> redis.execute(SAVE_IDS, List.of(job.get(1)), segment, ids,
                    ttlMillis));
        }
        byte[] holder = RedisKeys.call("create a job", () -> redis.execute(CREATE,
                List.of(claimKey, job.get(0), job.get(1)), jobPrefix,
                RedisKeys.utf8(spec.jobId() + "\n" + spec.fingerprint()), ttlMillis, json.writeValueAsBytes(spec),
                json.writeValueAsBytes(progress), RedisKeys.utf8(claimKey)));
        return holder == null ? new Created() : holder(holder, spec);
    }

    @Override
    public Optional<String> jobIdFor(String syncId, String batchId) {
        byte[] held = RedisKeys.call("read a job claim", () -> redis.execute(HELD,
                List.of(claimKey(syncId, batchId)), RedisKeys.utf8(prefix + "job:{")));
        return held == null ? Optional.empty() : Optional.of(RedisKeys.utf8(held).split("\n", 2)[0]);
    }

    private static Submission holder(byte[] holder, JobSpec spec) {
        String[] parts = RedisKeys.utf8(holder).split("\n", 2);
        return parts[1].equals(spec.fingerprint()) ? new Existing(parts[0]) : new Mismatch(parts[0]);
    }

    @Override
    public Optional<StoredJob> find(String jobId) {
        List<byte[]> fields = RedisKeys.call("read a job", () -> redis.<String, byte[]>opsForHash()
                .multiGet(jobKey(jobId), List.of("spec", "progress", "cancel")));
        if (fields == null || fields.get(0) == null || fields.get(1) == null) {
            return Optional.empty();
        }
        return Optional.of(new StoredJob(json.readValue(fields.get(0), JobSpec.class),
                json.readValue(fields.get(1), JobProgress.class),
                fields.get(2) == null ? null : Instant.parse(RedisKeys.utf8(fields.get(2)))));
    }

    @Override
    public void saveProgress(String jobId, JobProgress progress) {
        byte[] value = json.writeValueAsBytes(progress);
        RedisKeys.run("save a job's progress",
                () -> redis.execute(SAVE_PROGRESS, List.of(jobKey(jobId)), value));
    }

    @Override
    public void finish(String jobId, JobProgress progress, Duration retention) {
        byte[] value = json.writeValueAsBytes(progress);
        RedisKeys.run("finish a job", () -> redis.execute(FINISH, keys(jobId), RedisKeys.utf8(jobId), value,
                millis(retention)));
    }

    @Override
    public boolean requestCancel(String jobId, Instant at) {
        Long found = RedisKeys.call("request a job's cancellation", () -> redis.execute(REQUEST_CANCEL,
                List.of(jobKey(jobId)), RedisKeys.utf8(at.toString())));
        return found != null && found == 1L;
    }

    @Override
    public boolean isCancelRequested(String jobId) {
        return Boolean.TRUE.equals(RedisKeys.call("read a job's cancel flag",
                () -> redis.opsForHash().hasKey(jobKey(jobId), "cancel")));
    }

    @Override
    public void saveResults(String jobId, int segment, List<RowResult> results) {
        byte[] value = segments.encodeResults(results);
        List<String> job = keys(jobId);
        RedisKeys.run("save a job's results", () -> redis.execute(SAVE_RESULTS, List.of(job.get(0), job.get(2)),
                RedisKeys.utf8(Integer.toString(segment)), value));
    }

    /** A replace job's removals share the results hash, under fields of their own. */
    private static String removedField(int segment) {
        return "removed:" + segment;
    }

    @Override
    public void saveRemoved(String jobId, int segment, List<RowResult> results) {
        byte[] value = segments.encodeResults(results);
        List<String> job = keys(jobId);
        RedisKeys.run("save a job's removals", () -> redis.execute(SAVE_RESULTS, List.of(job.get(0), job.get(2)),
                RedisKeys.utf8(removedField(segment)), value));
    }

    @Override
    public Optional<List<RowResult>> removed(String jobId, int segment) {
        byte[] bytes = RedisKeys.call("read a job's removals", () -> redis.<String, byte[]>opsForHash()
                .get(keys(jobId).get(2), removedField(segment)));
        return Optional.ofNullable(bytes).map(segments::decodeResults);
    }

    @Override
    public Optional<List<RowResult>> results(String jobId, int segment) {
        byte[] bytes = RedisKeys.call("read a job's results", () -> redis.<String, byte[]>opsForHash()
                .get(keys(jobId).get(2), Integer.toString(segment)));
        return Optional.ofNullable(bytes).map(segments::decodeResults);
    }

    @Override
    public List<String> rowIds(String jobId, int segment) {
        byte[] bytes = RedisKeys.call("read a job's row ids", () -> redis.<String, byte[]>opsForHash()
                .get(keys(jobId).get(1), Integer.toString(segment)));
        return bytes == null ? List.of() : segments.decodeIds(bytes);
    }

    @Override
    public void delete(String jobId) {
        RedisKeys.run("delete a job", () -> redis.execute(DELETE, keys(jobId), RedisKeys.utf8(jobId)));
    }

    /** At least 1 ms: {@code PX 0} is an error, and a zero retention means "gone at once" anyway. */
    private static byte[] millis(Duration d) {
        return RedisKeys.utf8(Long.toString(Math.max(1, d.toMillis())));
    }
}
