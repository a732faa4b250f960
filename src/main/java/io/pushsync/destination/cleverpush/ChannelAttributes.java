package io.pushsync.destination.cleverpush;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorReply;
import io.pushsync.sync.Connection;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.LogContext;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;

/**
 * A channel's custom attribute ids, for the checks before sending ({@link ChannelCatalog}): read with
 * {@code GET /channel/{id}/config} and kept {@code pushsync.cleverpush.precheck-ttl} per channel, a failure too, so a
 * channel whose config cannot be read costs one call per period. A read cut short by the batch's own deadline or
 * stop is not kept: it says nothing about the channel to the next batches.
 */
final class ChannelAttributes {

    /** Logged under the adapter's name, with its other lines about a channel. */
    private static final Logger log = LoggerFactory.getLogger(CleverPushDestination.class);

    private final CleverPushClient client;
    /** A channel's custom attribute ids; empty when they could not be read (not checked). */
    private final Cache<String, Optional<Set<String>>> attributes;

    ChannelAttributes(CleverPushClient client, Duration ttl) {
        this.client = client;
        this.attributes = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build();
    }

    /** The channel's custom attribute ids; null when they are not known (then nothing is checked against them). */
    Set<String> of(Connection connection, Deadline deadline) {
        String channelId = connection.value(CleverPushDestination.CHANNEL_ID);
        Optional<Set<String>> known = attributes.getIfPresent(channelId);
        if (known == null) {
            // read outside the cache's lock: a slow read never holds up other channels
            known = read(connection, deadline);
            if (known != null) {
                attributes.put(channelId, known);
            }
        }
        return known == null ? null : known.orElse(null);
    }

    /** The channel's custom attribute ids; empty: unreadable (kept as such); null: this batch ran out of time. */
    private Optional<Set<String>> read(Connection connection, Deadline deadline) {
        String channelId = connection.value(CleverPushDestination.CHANNEL_ID);
        try {
            VendorReply reply = client.call(channelId, connection.secret(CleverPushDestination.API_KEY),
                    "channel_config", HttpMethod.GET, CleverPushWire.CHANNEL_CONFIG_PATH, null, deadline,
                    Mono.never(), LogContext.capture())
                    .block();
            Map<String, String> found = reply.isSuccess() ? CleverPushWire.customAttributesOf(reply.json()) : null;
            if (found == null) {
                log.info("cleverpush channel {}: its custom attributes could not be read ({}); rows are sent "
                        + "unchecked", channelId, reply.status());
                return Optional.empty();
            }
            return Optional.of(Set.copyOf(found.keySet()));
        } catch (VendorCallFailure f) {
            log.info("cleverpush channel {}: its custom attributes could not be read ({}); rows are sent unchecked",
                    channelId, f.getMessage());
            // this batch's own budget ran out: say nothing about the channel to the next batches
            boolean ownBudget = f.kind() == VendorCallFailure.Kind.DEADLINE
                    || f.kind() == VendorCallFailure.Kind.STOPPED;
            return ownBudget ? null : Optional.empty();
        }
    }
}
