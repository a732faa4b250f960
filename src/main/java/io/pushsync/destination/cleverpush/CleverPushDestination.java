package io.pushsync.destination.cleverpush;

import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorReply;
import io.pushsync.sync.Connection;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.LogContext;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.Secret;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.RequiredField;
import io.pushsync.sync.values.PhoneNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.node.ObjectNode;

/**
 * The CleverPush destination: {@code subscriptions} and {@code tags}.
 *
 * <p>A batch first checks the channel and key ({@code GET /channel/{id}}: one request, so a refused key or an
 * unknown channel fails the batch before any row is sent). Then every row becomes one call (a subscription) or one
 * call per tag, run with at most {@code pushsync.cleverpush.concurrency} in flight; results land by row index, so
 * they come back in input order whatever order the calls finish in. A 401/403 (or a 404 on the channel) stops the
 * batch: calls not yet started are not sent, so at most one concurrency window of requests goes out after it.
 */
@Component
public class CleverPushDestination implements Destination {

    private static final Logger log = LoggerFactory.getLogger(CleverPushDestination.class);

    static final String TYPE = "cleverpush";
    static final String CHANNEL_ID = "channelId";
    static final String API_KEY = "apiKey";
    static final String SUBSCRIPTIONS = "subscriptions";
    static final String TAGS = "tags";
    /** Channel ids go into URL paths: only characters that need no encoding. */
    static final String CHANNEL_ID_PATTERN = "[A-Za-z0-9_-]{1,128}";

    private static final DestinationDescriptor DESCRIPTOR = new DestinationDescriptor(TYPE, "CleverPush",
            List.of(ConnectionField.matching(CHANNEL_ID, "Channel ID (Channel Settings > API; case-sensitive)",
                            CHANNEL_ID_PATTERN),
                    // the key is a header value: visible ASCII only, so a pasted newline is a 400, not a retry
                    new ConnectionField(API_KEY, "Private API key", true, true, List.of(), "[\\x21-\\x7E]{1,512}")),
            List.of(new ObjectTypeDescriptor(SUBSCRIPTIONS, "Subscriptions (attributes)",
                            List.of("upsert", "add", "remove", "mirror"), List.of(),
                            List.of(RequiredField.of(CleverPushRows.SUBSCRIPTION_ID)),
                            List.of("subscription_id", "email", "phone", "topics", "country", "language")),
                    new ObjectTypeDescriptor(TAGS, "Tags", List.of("add", "remove", "mirror", "upsert"), List.of(),
                            List.of(RequiredField.of(CleverPushRows.SUBSCRIPTION_ID),
                                    RequiredField.of(CleverPushRows.TAGS)),
                            List.of("subscription_id", "tags"))));

    private final CleverPushClient client;
    private final CleverPushProperties properties;
    private final CleverPushRows rows;

    CleverPushDestination(CleverPushClient client, CleverPushProperties properties) {
        this.client = client;
        this.properties = properties;
        this.rows = new CleverPushRows(new PhoneNumbers(properties.defaultPhoneRegion()));
    }

    @Override
    public DestinationDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ConnectionCheckResult checkConnection(Connection connection, Deadline deadline) {
        RowError problem = checkChannel(connection, deadline);
        return problem == null ? ConnectionCheckResult.success() : ConnectionCheckResult.failure(problem);
    }

    @Override
    public void sync(SyncRequest request, Deadline deadline, RowResults results) {
        RowError channelProblem = checkChannel(request.connection(), deadline);
        if (channelProblem != null) {
            results.failUnset(channelProblem);
            return;
        }
        String channelId = request.connection().value(CHANNEL_ID);
        Secret apiKey = request.connection().secret(API_KEY);
        String syncPath = CleverPushWire.syncPath(channelId);
        CallTracker tracker = new CallTracker(results);
        AtomicReference<RowError> stop = new AtomicReference<>();
        Sinks.One<Boolean> stopSignal = Sinks.one();
        LogContext logContext = LogContext.capture(); // calls are subscribed on I/O threads: keep the batch's context
        // Calls are planned lazily, row by row, as the concurrency window asks for more: a 100,000-row tags batch
        // never holds all its calls at once.
        Flux.fromIterable(request.rows())
                .concatMapIterable(row -> callsOf(row, request, channelId, syncPath, results, tracker))
                .flatMap(call -> send(call, channelId, apiKey, deadline, stop, stopSignal, logContext)
                                .doOnNext(error -> tracker.record(call, error.orElse(null))),
                        properties.concurrency())
                .then()
                .block();
        if (stop.get() != null) {
            log.warn("cleverpush batch {} of sync {} stopped: {}", request.batchId(), request.syncId(),
                    stop.get().message());
            results.failUnset(stop.get());
        }
    }

    /**
     * One call, or the stop error without sending when the batch has stopped. A stop also cuts short the waits of
     * calls under way (rate limiter, retry backoff): after a 401/403 nothing more goes out, while an answer already
     * on its way is still taken.
     */
    private Mono<Optional<RowError>> send(Call call, String channelId, Secret apiKey, Deadline deadline,
            AtomicReference<RowError> stop, Sinks.One<Boolean> stopSignal, LogContext logContext) {
        return Mono.defer(() -> {
            RowError stopped = stop.get();
            if (stopped != null) {
                return Mono.just(Optional.of(stopped)); // the batch stopped: this call is never sent
            }
            return client.call(channelId, apiKey, call.operation(), HttpMethod.POST, call.path(), call.body().get(),
                            deadline, stopSignal.asMono(), logContext)
                    .map(reply -> outcome(call, reply, stop, stopSignal))
                    .onErrorResume(VendorCallFailure.class, f -> Mono.just(Optional.of(f.toRowError())))
                    // empty: the batch stopped while this call waited (rate limiter, retry): it is unconfirmed
                    .switchIfEmpty(Mono.fromSupplier(() -> Optional.of(stop.get())));
        });
    }

    /**
     * One vendor call of a row; {@code tag} is set for tag calls. The body is built when the call is sent.
     */
    record Call(int rowIndex, String tag, String operation, String path, Supplier<ObjectNode> body,
            boolean channelInPath) {
    }

    /** The calls of one row (recording its failure instead when it cannot be sent). */
    private List<Call> callsOf(SyncRow row, SyncRequest request, String channelId, String syncPath,
            RowResults results, CallTracker tracker) {
        String subscriptionId = CleverPushRows.subscriptionId(row);
        if (subscriptionId == null) {
            results.failed(row.index(), RowError.of(ErrorCode.INVALID_FIELD, CleverPushRows.SUBSCRIPTION_ID,
                    "subscription_id must be a non-blank string or an integer"));
            return List.of();
        }
        boolean removal = row.isRemoval(request.mode());
        List<Call> calls;
        if (TAGS.equals(request.objectType())) {
            CleverPushRows.Mapped<List<String>> mapped = CleverPushRows.tags(row, properties.maxTagsPerRow());
            if (!record(mapped, row, results)) {
                return List.of();
            }
            calls = new ArrayList<>(mapped.value().size());
            for (String tag : mapped.value()) {
                calls.add(new Call(row.index(), tag, removal ? "tag_remove" : "tag_add",
                        removal ? CleverPushWire.TAG_REMOVE_PATH : CleverPushWire.TAG_ADD_PATH,
                        () -> CleverPushWire.tag(channelId, subscriptionId, tag), false));
            }
        } else if (removal) {
            calls = List.of(new Call(row.index(), null, "unsubscribe", CleverPushWire.UNSUBSCRIBE_PATH,
                    () -> CleverPushWire.unsubscribe(channelId, subscriptionId), false));
        } else {
            CleverPushRows.Mapped<CleverPushRows.Subscription> mapped = rows.subscription(row);
            if (!record(mapped, row, results)) {
                return List.of();
            }
            CleverPushRows.Subscription subscription = mapped.value();
            calls = List.of(new Call(row.index(), null, "subscription_sync", syncPath,
                    () -> CleverPushWire.subscriptionSync(channelId, subscription.topLevel(),
                            subscription.customAttributes()), true));
        }
        tracker.expect(row.index(), calls.size());
        return calls;
    }

    /** Records a row's mapping failure; true when the row goes on to the vendor. */
    private static boolean record(CleverPushRows.Mapped<?> mapped, SyncRow row, RowResults results) {
        if (mapped.error() == null) {
            return true;
        }
        if (mapped.skip()) {
            results.skipped(row.index(), mapped.error());
        } else {
            results.failed(row.index(), mapped.error());
        }
        return false;
    }

    /** The call's error, empty for a success. */
    private static Optional<RowError> outcome(Call call, VendorReply reply, AtomicReference<RowError> stop,
            Sinks.One<Boolean> stopSignal) {
        RowError error = error(call, reply, stop);
        if (stop.get() != null) {
            stopSignal.tryEmitValue(Boolean.TRUE);
        }
        return Optional.ofNullable(error);
    }

    private static RowError error(Call call, VendorReply reply, AtomicReference<RowError> stop) {
        int status = reply.status();
        if (reply.isSuccess()) {
            // a 2xx carrying an error: the message is that error, redacted and truncated by the exchange
            return CleverPushWire.errorOfSuccess(reply.json()) == null ? null
                    : RowError.of(ErrorCode.REJECTED_BY_DESTINATION, "CleverPush: " + reply.message());
        }
        String message = "CleverPush answered " + status + ": " + reply.message();
        if (status == 401 || status == 403) {
            RowError auth = RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, message);
            stop.compareAndSet(null, auth);
            return auth;
        }
        if (status == 404) {
            RowError notFound = RowError.of(ErrorCode.DESTINATION_NOT_FOUND, message);
            if (call.channelInPath()) {
                stop.compareAndSet(null, notFound); // the channel itself is unknown
            }
            return notFound;
        }
        return RowError.of(ErrorCode.REJECTED_BY_DESTINATION, message);
    }

    /** {@code GET /channel/{id}}: null when the key and channel are fine, else the error every row gets. */
    private RowError checkChannel(Connection connection, Deadline deadline) {
        String channelId = connection.value(CHANNEL_ID);
        try {
            VendorReply reply = client.call(channelId, connection.secret(API_KEY), "channel_check", HttpMethod.GET,
                    CleverPushWire.channelPath(channelId), null, deadline, Mono.never(), LogContext.capture()).block();
            if (reply.isSuccess()) {
                return null;
            }
            String message = "CleverPush answered " + reply.status() + " to the channel check: " + reply.message();
            if (reply.status() == 401 || reply.status() == 403) {
                return RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, message);
            }
            if (reply.status() == 404) {
                return RowError.of(ErrorCode.DESTINATION_NOT_FOUND, message);
            }
            return RowError.of(ErrorCode.REJECTED_BY_DESTINATION, message);
        } catch (VendorCallFailure f) {
            return f.toRowError();
        }
    }
}
