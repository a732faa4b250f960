package io.pushsync.state.redis;

import io.pushsync.sync.history.RunHistory;
import io.pushsync.sync.history.RunRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.data.redis.core.RedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The recent-runs index in Redis, shared by every replica: one sorted set {@code <prefix>history}, member = the run
 * as JSON, score = its time in epoch milliseconds. Each write trims it by age (the retention) and by count
 * ({@code pushsync.history.max-runs}) and renews the key's expiry to the retention, so an idle deployment's index
 * leaves Redis by itself. Reads drop entries older than the retention that no write has trimmed yet.
 */
public class RedisRunHistory implements RunHistory {

    private final RedisTemplate<String, byte[]> redis;
    private final String key;
    private final int maxRuns;
    private final Duration retention;
    private final JsonMapper json;
    private final Clock clock;

    public RedisRunHistory(RedisTemplate<String, byte[]> redis, String keyPrefix, int maxRuns, Duration retention,
            JsonMapper json, Clock clock) {
        this.redis = redis;
        this.key = keyPrefix + "history";
        this.maxRuns = maxRuns;
        this.retention = retention;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void record(RunRecord run) {
        byte[] member = json.writeValueAsBytes(run);
        long oldest = clock.millis() - retention.toMillis();
        RedisKeys.run("record a run in the recent runs", () -> redis.executePipelined(
                new org.springframework.data.redis.core.SessionCallback<Object>() {
                    @Override
                    @SuppressWarnings({"unchecked", "rawtypes"})
                    public Object execute(org.springframework.data.redis.core.RedisOperations operations) {
                        operations.opsForZSet().add(key, member, run.at().toEpochMilli());
                        operations.opsForZSet().removeRangeByScore(key, Double.NEGATIVE_INFINITY, oldest - 1);
                        operations.opsForZSet().removeRange(key, 0, -(maxRuns + 1L));
                        operations.expire(key, retention);
                        return null;
                    }
                }));
    }

    @Override
    public List<RunRecord> recent(int limit) {
        long oldest = clock.millis() - retention.toMillis();
        Set<byte[]> members = RedisKeys.call("read the recent runs", () -> redis.opsForZSet()
                .reverseRangeByScore(key, oldest, Double.POSITIVE_INFINITY, 0, limit));
        List<RunRecord> out = new ArrayList<>();
        if (members != null) {
            for (byte[] m : members) {
                out.add(json.readValue(m, RunRecord.class));
            }
        }
        return out;
    }
}
