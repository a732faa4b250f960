package io.pushsync.state.redis;

import io.pushsync.sync.RowResult;
import io.pushsync.sync.jobs.JobProgress;
import io.pushsync.sync.jobs.JobSegments;
import io.pushsync.sync.jobs.JobSpec;
import io.pushsync.sync.jobs.JobStore;
import io.pushsync.sync.jobs.StoredJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 *       claim.</li>
 * </ul>
 *
 * Everything is written with the job's {@code ttl}; {@link #finish} sets it all to {@code retention}. Each operation
 * is one Lua script, so a write to a job that has just expired never re-creates a key without a TTL.
 */
public class RedisJobStore implements JobStore {

    private static final String CREATE_LUA = """
            local holder = redis.call('GET', KEYS[1])
            if holder then
              local sep = string.find(holder, '\\n', 1, true)
              if sep and redis.call('EXISTS', ARGV[6] .. string.sub(holder, 1, sep - 1) .. '}') == 1 then
                return holder
              end
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('HSET', KEYS[2], 'spec', ARGV[3], 'progress', ARGV[4], 'claim', ARGV[5])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            for i = 7, #ARGV, 2 do
              redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
            end
            if #ARGV >= 7 then
              redis.call('PEXPIRE', KEYS[3], ARGV[2])
            end
            return false
            """;
    private static final String IF_LIVE = "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n";
    private static final RedisScript<byte[]> CREATE = RedisScript.of(CREATE_LUA, byte[].class);
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

    @Override
    public Submission create(JobSpec spec, JobProgress progress, List<String> rowIds, Duration ttl) {
        String claimKey = claimKey(spec.syncId(), spec.batchId());
        List<Object> args = new ArrayList<>();
        args.add(RedisKeys.utf8(spec.jobId() + "\n" + spec.fingerprint()));
        args.add(millis(ttl));
        args.add(json.writeValueAsBytes(spec));
        args.add(json.writeValueAsBytes(progress));
        args.add(RedisKeys.utf8(claimKey));
        args.add(RedisKeys.utf8(prefix + "job:{"));
        for (int s = 0; s < spec.segments(); s++) {
            args.add(RedisKeys.utf8(Integer.toString(s)));
            args.add(segments.encodeIds(rowIds.subList(spec.segmentFrom(s), spec.segmentTo(s))));
        }
        List<String> job = keys(spec.jobId());
        byte[] holder = RedisKeys.call("create a job",
                () -> redis.execute(CREATE, List.of(claimKey, job.get(0), job.get(1)), args.toArray()));
        if (holder == null) {
            return new Created();
        }
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
