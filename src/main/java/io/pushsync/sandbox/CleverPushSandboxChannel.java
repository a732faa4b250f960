package io.pushsync.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;

/**
 * The one channel of the simulated CleverPush account and its subscriptions: what the vendor calls read and change,
 * behind one lock. Subscriptions are found by native id, or by {@code user_id} through an index that follows each
 * subscription's current {@code user_id}. A call the channel's state refuses throws {@link Refused}.
 */
final class CleverPushSandboxChannel {

    private static final String NATIVE_ID_PREFIX = "sbx-sub-";
    private static final String USER_ID = CleverPushSyncBody.USER_ID;

    /** The channel's state refuses a call: answered {@code status} with {@code {"error": message}}. */
    static final class Refused extends RuntimeException {
        final HttpStatus status;

        Refused(HttpStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** A subscription's state; guarded by the channel's lock. */
    private static final class Subscription {
        final Map<String, Object> fields = new LinkedHashMap<>();
        final Map<String, Object> customAttributes = new LinkedHashMap<>();
        final Set<String> tags = new LinkedHashSet<>();
        boolean unsubscribed;

        Map<String, Object> view() {
            Map<String, Object> v = new LinkedHashMap<>(fields);
            v.put("customAttributes", Collections.unmodifiableMap(new LinkedHashMap<>(customAttributes)));
            v.put("tags", List.copyOf(tags));
            v.put("unsubscribed", unsubscribed);
            return Collections.unmodifiableMap(v);
        }
    }

    private final SandboxCleverPushProperties account;
    private final Set<String> customAttributes;
    private final Set<String> tags;
    /** Tag id to display name, in the configured order. */
    private final Map<String, String> tagNames;
    private final Object lock = new Object();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, String> nativeIdByUserId = new LinkedHashMap<>();
    private long created;

    CleverPushSandboxChannel(SandboxCleverPushProperties account) {
        this.account = account;
        this.customAttributes = new LinkedHashSet<>(account.customAttributes());
        this.tags = new LinkedHashSet<>(account.tags());
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < account.tags().size(); i++) {
            names.putIfAbsent(account.tags().get(i), account.tagName(i));
        }
        this.tagNames = Collections.unmodifiableMap(names);
        seed();
    }

    String id() {
        return account.channelId();
    }

    boolean is(String channelId) {
        return account.channelId().equals(channelId);
    }

    /** The custom attribute ids the channel defines. */
    Set<String> customAttributes() {
        return customAttributes;
    }

    /** The channel's tags as {@code [{<idKey>: id, "name": name}]}, in the configured order. */
    List<Map<String, Object>> tagList(String idKey) {
        List<Map<String, Object>> list = new ArrayList<>();
        tagNames.forEach((id, name) -> list.add(pair(idKey, id, "name", name)));
        return List.copyOf(list);
    }

    /** The channel's custom attributes as {@code [{"id", "name"}]}, named by their ids. */
    List<Map<String, Object>> attributeList() {
        List<Map<String, Object>> attributes = new ArrayList<>();
        customAttributes.forEach(id -> attributes.add(pair("id", id, "name", id)));
        return List.copyOf(attributes);
    }

    /** Back to the seeded subscriptions (with their seeded {@code user_id}s). */
    void seed() {
        synchronized (lock) {
            subscriptions.clear();
            nativeIdByUserId.clear();
            created = 0;
            List<String> seeds = account.seedSubscriptions();
            for (int i = 0; i < seeds.size(); i++) {
                Subscription subscription = new Subscription();
                subscriptions.put(seeds.get(i), subscription);
                String userId = account.seedUserId(i);
                if (userId != null) {
                    subscription.customAttributes.put(USER_ID, userId);
                    nativeIdByUserId.put(userId, seeds.get(i));
                }
            }
        }
    }

    /**
     * The subscription whose custom attribute {@code attributeId} has {@code value}, as
     * {@code {"_id", "customAttributes"}}; null when there is none.
     */
    Map<String, Object> find(String attributeId, String value) {
        synchronized (lock) {
            String nativeId = null;
            if (USER_ID.equals(attributeId)) {
                nativeId = nativeIdByUserId.get(value);
            } else {
                for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
                    Object v = e.getValue().customAttributes.get(attributeId);
                    if (v != null && value.equals(v.toString())) {
                        nativeId = e.getKey();
                        break;
                    }
                }
            }
            Subscription subscription = nativeId == null ? null : subscriptions.get(nativeId);
            if (subscription == null) {
                return null;
            }
            return pair("_id", nativeId, "customAttributes",
                    Collections.unmodifiableMap(new LinkedHashMap<>(subscription.customAttributes)));
        }
    }

    /**
     * Applies a sync to the subscription it names (by native id, else by {@code user_id}, else a new one) and
     * subscribes it again; returns its native id.
     */
    String sync(CleverPushSyncBody body) {
        synchronized (lock) {
            String nativeId;
            Subscription subscription;
            if (body.subscriptionId() != null) {
                nativeId = body.subscriptionId();
                subscription = subscriptions.get(nativeId);
                if (subscription == null) {
                    throw new Refused(HttpStatus.NOT_FOUND, "Subscription not found");
                }
            } else {
                nativeId = nativeIdByUserId.get(body.userId());
                subscription = nativeId == null ? null : subscriptions.get(nativeId);
                if (subscription == null) {
                    if (!body.reachesSomeone()) {
                        throw new Refused(HttpStatus.BAD_REQUEST,
                                "A new subscription needs an emailAddress, phone or push token");
                    }
                    nativeId = NATIVE_ID_PREFIX + (++created);
                    subscription = new Subscription();
                    subscriptions.put(nativeId, subscription);
                }
            }
            Object previousUserId = subscription.customAttributes.get(USER_ID);
            subscription.fields.putAll(body.fields());
            subscription.customAttributes.putAll(body.customAttributes());
            // the index follows the subscription's user_id: a new one names this subscription (taken from any
            // other), the one it replaces (or that was cleared with null) no longer does
            Object newUserId = subscription.customAttributes.get(USER_ID);
            if (previousUserId != null && !previousUserId.equals(newUserId)) {
                nativeIdByUserId.remove(previousUserId.toString(), nativeId);
            }
            if (newUserId != null) {
                nativeIdByUserId.put(newUserId.toString(), nativeId);
            }
            subscription.unsubscribed = false;
            return nativeId;
        }
    }

    void unsubscribe(String subscriptionId) {
        synchronized (lock) {
            existing(subscriptionId).unsubscribed = true;
        }
    }

    void tag(String subscriptionId, String tagId) {
        synchronized (lock) {
            existingTag(existing(subscriptionId), tagId).tags.add(tagId);
        }
    }

    void untag(String subscriptionId, String tagId) {
        synchronized (lock) {
            existingTag(existing(subscriptionId), tagId).tags.remove(tagId);
        }
    }

    /** Every subscription's view, by native id. */
    Map<String, Map<String, Object>> subscriptions() {
        synchronized (lock) {
            Map<String, Map<String, Object>> view = new LinkedHashMap<>();
            subscriptions.forEach((id, s) -> view.put(id, s.view()));
            return Collections.unmodifiableMap(view);
        }
    }

    /** One subscription's view; null when there is none. */
    Map<String, Object> subscription(String id) {
        synchronized (lock) {
            Subscription s = subscriptions.get(id);
            return s == null ? null : s.view();
        }
    }

    private Subscription existing(String subscriptionId) {
        Subscription subscription = subscriptions.get(subscriptionId);
        if (subscription == null) {
            throw new Refused(HttpStatus.NOT_FOUND, "Subscription not found");
        }
        return subscription;
    }

    private Subscription existingTag(Subscription subscription, String tagId) {
        if (!tags.contains(tagId)) {
            throw new Refused(HttpStatus.BAD_REQUEST, "Tag '" + tagId + "' does not exist");
        }
        return subscription;
    }

    /** {@code {k1: v1, k2: v2}} in that order (values may be null). */
    private static Map<String, Object> pair(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}
