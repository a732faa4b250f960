package io.pushsync.destination.cleverpush;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorReply;
import io.pushsync.sync.Connection;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.LogContext;
import io.pushsync.sync.RowError;
import io.pushsync.sync.SyncRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;

/**
 * What a batch asks the channel before sending any row.
 *
 * <ul>
 *   <li>The channel check ({@code GET /channel/{id}/tags}): the key and the channel's verdict in one request, so a
 *       refused key or an unknown channel stops the batch before any row is sent; its answer lists the channel's
 *       tags.</li>
 *   <li>The custom attribute ids, for subscription syncs: read with {@code GET /channel/{id}/config} and kept
 *       {@code pushsync.cleverpush.precheck-ttl} per channel, a failure too, so a channel whose config cannot be read
 *       costs one call per period. A read cut short by the batch's own deadline or stop is not kept: it says nothing
 *       about the channel to the next batches.</li>
 * </ul>
 * Together they make the {@link ChannelCatalog} the rows are checked against ({@code options.precheck}).
 */
final class ChannelChecks {

    /**
     * The channel check's verdict: its problem (null when fine), whether it stops the batch (the key refused, the
     * channel unknown), and the channel's tags it listed (null when unreadable).
     */
    record Verdict(RowError problem, boolean stops, Map<String, String> tags) {
    }

    /** Logged under the adapter's name, with its other lines about a channel. */
    private static final Logger log = LoggerFactory.getLogger(CleverPushDestination.class);

    private final CleverPushClient client;
    /** A channel's custom attribute ids; empty when they could not be read (not checked). */
    private final Cache<String, Optional<Set<String>>> attributes;

    ChannelChecks(CleverPushClient client, Duration ttl) {
        this.client = client;
        this.attributes = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build();
    }

    /** {@code GET /channel/{id}/tags}: the key and channel's verdict, and the channel's tags. */
    Verdict check(Connection connection, Deadline deadline) {
        String channelId = connection.value(CleverPushDestination.CHANNEL_ID);
        try {
            VendorReply reply = client.call(channelId, connection.secret(CleverPushDestination.API_KEY),
                    "channel_check", HttpMethod.GET, CleverPushWire.CHANNEL_TAGS_PATH, null, deadline, Mono.never(),
                    LogContext.capture())
                    .block();
            if (reply.isSuccess()) {
                return new Verdict(null, false, CleverPushWire.tagsOf(reply.json()));
            }
            String message = "CleverPush answered " + reply.status() + " to the channel check: " + reply.message();
            if (reply.status() == 401 || reply.status() == 403) {
                return new Verdict(RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, message), true, null);
            }
            if (reply.status() == 404) {
                return new Verdict(RowError.of(ErrorCode.DESTINATION_NOT_FOUND, message), true, null);
            }
            return new Verdict(RowError.of(ErrorCode.REJECTED_BY_DESTINATION, message), false, null);
        } catch (VendorCallFailure f) {
            return new Verdict(f.toRowError(), false, null);
        }
    }

    /**
     * The catalog for the checks before sending: the tags the channel check listed, and for subscription syncs the
     * channel's custom attributes.
     */
    ChannelCatalog catalog(SyncRequest request, Verdict check, Deadline deadline) {
        if (check.problem() != null) {
            return ChannelCatalog.UNKNOWN;
        }
        if (CleverPushDestination.TAGS.equals(request.objectType())) {
            return new ChannelCatalog(check.tags(), null);
        }
        if ("remove".equals(request.mode())) {
            return ChannelCatalog.UNKNOWN; // unsubscribes set no attribute
        }
        return new ChannelCatalog(null, attributes(request.connection(), deadline));
    }

    /**
     * Whether {@link #catalog} would read the channel's custom attributes for this request now (after a channel
     * check that passed): a subscription sync request whose channel's attributes are not kept. Reads nothing.
     */
    boolean wouldReadAttributes(SyncRequest request) {
        return !CleverPushDestination.TAGS.equals(request.objectType()) && !"remove".equals(request.mode())
                && attributes.getIfPresent(request.connection().value(CleverPushDestination.CHANNEL_ID)) == null;
    }

    /** The channel's custom attribute ids; null when they are not known (then nothing is checked against them). */
    private Set<String> attributes(Connection connection, Deadline deadline) {
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
