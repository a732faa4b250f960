package io.pushsync.destination.cleverpush;

import static io.pushsync.sync.values.Text.clip;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorReply;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.LogContext;
import io.pushsync.sync.RowError;
import io.pushsync.sync.Secret;
import io.pushsync.sync.SharedLookups;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;

/**
 * The native CleverPush subscription ids behind external user ids ({@code options.subscriptionIdKind=user_id}).
 *
 * <p>A user id is looked up with {@link CleverPushWire#LOOKUP_PATH} and the answer kept in a bounded in-process
 * cache (Caffeine, {@code pushsync.cleverpush.subscription-ids.*}) and, when the state store is shared, in
 * {@link SharedLookups} for the other replicas. Within a batch one user id is looked up once, however many rows and
 * tags name it and however many calls are in flight. Only found ids are kept: a user id with no subscription is
 * asked again by the next batch (it may have subscribed meanwhile). An id the vendor no longer knows (404/410 on a
 * call that used it) is forgotten.
 */
final class SubscriptionIds {

    /** Shared-store namespace of a channel's ids. */
    static String namespace(String channelId) {
        return "cleverpush-subscription:" + channelId;
    }

    /** What a row's user id resolved to: the native id, or the row's error ({@code stops} the batch's too). */
    record Resolved(String nativeId, RowError error, boolean stops) {
        static Resolved found(String nativeId) {
            return new Resolved(nativeId, null, false);
        }

        static Resolved failed(RowError error) {
            return new Resolved(null, error, false);
        }
    }

    private static final int SHARED_READ_CHUNK = 1_000;

    private final CleverPushClient client;
    private final SharedLookups shared;
    private final Duration ttl;
    private final Cache<String, String> cache;

    SubscriptionIds(CleverPushClient client, SharedLookups shared, long maxSize, Duration ttl) {
        this.client = client;
        this.shared = shared;
        this.ttl = ttl;
        this.cache = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(ttl).build();
    }

    private static String key(String channelId, String userId) {
        return channelId + '\u0000' + userId;
    }

    /** Brings the ids the shared store holds for {@code userIds} (not held here) into this replica's cache. */
    void prefetch(String channelId, Collection<String> userIds) {
        if (shared == SharedLookups.NONE) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String userId : userIds) {
            if (cache.getIfPresent(key(channelId, userId)) == null) {
                missing.add(userId);
            }
        }
        for (int from = 0; from < missing.size(); from += SHARED_READ_CHUNK) {
            List<String> part = missing.subList(from, Math.min(missing.size(), from + SHARED_READ_CHUNK));
            shared.getAll(namespace(channelId), part)
                    .forEach((userId, nativeId) -> cache.put(key(channelId, userId), nativeId));
        }
    }

    /** The native id this replica keeps for {@code userId}, or null (a batch would look it up). */
    String cached(String channelId, String userId) {
        return cache.getIfPresent(key(channelId, userId));
    }

    /** Keeps a found (or just created) subscription's id, here and for the other replicas. */
    void remember(String channelId, String userId, String nativeId) {
        String k = key(channelId, userId);
        if (nativeId.equals(cache.getIfPresent(k))) {
            return;
        }
        cache.put(k, nativeId);
        shared.putAll(namespace(channelId), Map.of(userId, nativeId), ttl);
    }

    /** Forgets an id the vendor no longer knows, here and for the other replicas. */
    void forget(String channelId, String userId) {
        cache.invalidate(key(channelId, userId));
        shared.remove(namespace(channelId), List.of(userId));
    }

    /** The resolutions of one batch: one look-up per distinct user id. */
    Batch batch(String channelId, Secret apiKey, Deadline deadline, Mono<?> stop, LogContext logContext) {
        return new Batch(channelId, apiKey, deadline, stop, logContext);
    }

    final class Batch {
        private final String channelId;
        private final Secret apiKey;
        private final Deadline deadline;
        private final Mono<?> stop;
        private final LogContext logContext;
        private final Map<String, Mono<Resolved>> resolutions = new ConcurrentHashMap<>();

        private Batch(String channelId, Secret apiKey, Deadline deadline, Mono<?> stop, LogContext logContext) {
            this.channelId = channelId;
            this.apiKey = apiKey;
            this.deadline = deadline;
            this.stop = stop;
            this.logContext = logContext;
        }

        /**
         * The native id of {@code userId}: from the cache, else looked up (once per batch; concurrent callers share
         * the look-up). Completes empty when the batch stopped during the look-up.
         */
        Mono<Resolved> resolve(String userId) {
            return resolutions.computeIfAbsent(userId, id -> Mono.defer(() -> {
                String cached = cache.getIfPresent(key(channelId, id));
                return cached != null ? Mono.just(Resolved.found(cached)) : lookUp(id);
            }).cache());
        }

        /** Forgets an id the vendor no longer knows (this batch resolves it again if asked). */
        void forget(String userId) {
            resolutions.remove(userId);
            SubscriptionIds.this.forget(channelId, userId);
        }

        private Mono<Resolved> lookUp(String userId) {
            return client.call(channelId, apiKey, "subscription_lookup", HttpMethod.GET, CleverPushWire.LOOKUP_PATH,
                            CleverPushWire.lookupVariables(channelId, userId), null, deadline, stop, logContext)
                    .map(reply -> classify(userId, reply))
                    .onErrorResume(VendorCallFailure.class, f -> Mono.just(Resolved.failed(f.toRowError())));
        }

        private Resolved classify(String userId, VendorReply reply) {
            int status = reply.status();
            if (reply.isSuccess()) {
                String nativeId = CleverPushWire.nativeIdOf(reply.json());
                if (nativeId != null) {
                    remember(channelId, userId, nativeId);
                    return Resolved.found(nativeId);
                }
                if (reply.json() == null && !CleverPushWire.EMPTY_BODY.equals(reply.message())) {
                    // not JSON (a proxy's page, a truncated answer): says nothing about the user; try again later
                    return Resolved.failed(RowError.of(ErrorCode.DESTINATION_UNAVAILABLE,
                            "CleverPush's answer to the subscription look-up could not be read: " + reply.message()));
                }
                return Resolved.failed(notFound(userId));
            }
            if (status == 404 || status == 410) {
                return Resolved.failed(notFound(userId));
            }
            String message = "CleverPush answered " + status + " to the subscription look-up: " + reply.message();
            if (status == 401 || status == 403) {
                return new Resolved(null, RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, message), true);
            }
            return Resolved.failed(RowError.of(ErrorCode.REJECTED_BY_DESTINATION, message));
        }

        private RowError notFound(String userId) {
            return RowError.of(ErrorCode.SUBSCRIPTION_NOT_FOUND, CleverPushRows.SUBSCRIPTION_ID,
                    "no subscription of channel " + channelId + " has the user id '" + clip(userId) + "'");
        }
    }
}
