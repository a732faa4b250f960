package io.pushsync.destination.cleverpush;

import io.pushsync.destination.cleverpush.CleverPushCalls.Call;
import io.pushsync.resilience.VendorCallFailure;
import io.pushsync.resilience.VendorReply;
import io.pushsync.resilience.VendorResilience;
import io.pushsync.sync.Connection;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.LogContext;
import io.pushsync.sync.Pace;
import io.pushsync.sync.Plan;
import io.pushsync.sync.RowAction;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.RowError;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.Secret;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.SyncRow;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.OptionKind;
import io.pushsync.sync.catalog.ReplaceTarget;
import io.pushsync.sync.catalog.RequiredField;
import io.pushsync.sync.values.PhoneNumberProperties;
import io.pushsync.sync.SharedLookups;
import io.pushsync.sync.SyncOptions;
import io.pushsync.sync.catalog.IdentifierAlias;
import io.pushsync.sync.catalog.OptionDescriptor;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The CleverPush destination: {@code subscriptions} and {@code tags}.
 *
 * <p>A batch first checks the channel and key ({@link ChannelChecks}: one request, so a refused key or an unknown
 * channel stops the batch before any row is sent; its answer lists the channel's tags). With
 * {@code options.precheck} (the default) rows naming a tag or custom attribute the channel lacks fail before any
 * call ({@link ChannelCatalog}). With {@code options.subscriptionIdKind=user_id} a row's {@code subscription_id} is
 * the warehouse's user id, resolved to the native id by {@link SubscriptionIds}. Then every row becomes its calls
 * ({@link CleverPushCalls}: one for a subscription, one per tag), run with at most
 * {@code pushsync.cleverpush.concurrency} in flight; {@link CallTracker} turns their outcomes into the row's, by row
 * index, so results come back in input order whatever order the calls finish in. A 401/403 (or a 404 on the
 * channel) stops the batch ({@link RowResults#stop}): calls not yet started are not sent, so at most one concurrency
 * window of requests goes out after it, and every row left without an outcome fails with it.
 */
@Component
public class CleverPushDestination implements Destination {

    private static final Logger log = LoggerFactory.getLogger(CleverPushDestination.class);

    static final String TYPE = "cleverpush";
    static final String CHANNEL_ID = "channelId";
    static final String API_KEY = "apiKey";
    static final String SUBSCRIPTIONS = "subscriptions";
    static final String TAGS = "tags";
    static final String SUBSCRIPTION_ID_KIND = "subscriptionIdKind";
    static final String NATIVE = "native";
    static final String USER_ID = "user_id";
    static final String PRECHECK = "precheck";
    /** A row keyed by {@code user_id} (Census' identifier choice) is keyed by subscription_id holding a user id. */
    private static final IdentifierAlias USER_ID_ALIAS = new IdentifierAlias(USER_ID, SUBSCRIPTION_ID_KIND, USER_ID);
    private static final List<OptionDescriptor> OPTIONS = List.of(
            OptionDescriptor.oneOf(SUBSCRIPTION_ID_KIND, List.of(NATIVE, USER_ID),
                    "What subscription_id holds: the native CleverPush subscription id (native, default) or the "
                            + "external user id stored in the custom attribute user_id (user_id: pushsync looks "
                            + "the native id up and caches it)"),
            OptionDescriptor.bool(PRECHECK, "Fail rows naming a tag or custom attribute the channel does not "
                    + "have before any call (default true)"));
    static final String TAG_ID = "tagId";
    private static final List<OptionDescriptor> TAG_OPTIONS = Stream.concat(OPTIONS.stream(),
            Stream.of(new OptionDescriptor(TAG_ID, OptionKind.STRING, false, List.of(),
                    "mode replace only (and required there): the tag whose subscribers the rows are"))).toList();
    /** Channel ids go into URL paths: only characters that need no encoding. */
    static final String CHANNEL_ID_PATTERN = "[A-Za-z0-9_-]{1,128}";

    private static final DestinationDescriptor DESCRIPTOR = new DestinationDescriptor(TYPE, "CleverPush",
            List.of(ConnectionField.matching(CHANNEL_ID, "Channel ID (Channel Settings > API; case-sensitive)",
                            CHANNEL_ID_PATTERN),
                    // the key is a header value: visible ASCII only, so a pasted newline is a 400, not a retry
                    new ConnectionField(API_KEY, "Private API key", true, true, List.of(),
                            ConnectionField.SECRET_PATTERN)),
            List.of(new ObjectTypeDescriptor(SUBSCRIPTIONS, "Subscriptions (attributes)",
                            List.of("upsert", "add", "remove", "mirror"), OPTIONS,
                            List.of(RequiredField.of(CleverPushRows.SUBSCRIPTION_ID)),
                            List.of("subscription_id", "email", "phone", "topics", "country", "language"),
                            List.of(USER_ID_ALIAS)),
                    new ObjectTypeDescriptor(TAGS, "Tags",
                            List.of("add", "remove", "mirror", "upsert", ObjectTypeDescriptor.REPLACE), TAG_OPTIONS,
                            List.of(RequiredField.of(CleverPushRows.SUBSCRIPTION_ID),
                                    RequiredField.of(CleverPushRows.TAGS)),
                            List.of("subscription_id", "tags"), List.of(USER_ID_ALIAS),
                            new ReplaceTarget(CleverPushRows.SUBSCRIPTION_ID, TAG_ID, CleverPushRows.TAGS))));

    private final CleverPushClient client;
    private final CleverPushProperties properties;
    private final CleverPushRows rows;
    private final SubscriptionIds subscriptionIds;
    private final ChannelChecks channelChecks;
    private final VendorResilience resilience;

    CleverPushDestination(CleverPushClient client, CleverPushProperties properties,
            ObjectProvider<SharedLookups> sharedLookups, PhoneNumberProperties phoneNumbers,
            VendorResilience resilience) {
        this.client = client;
        this.properties = properties;
        this.resilience = resilience;
        this.rows = new CleverPushRows(phoneNumbers.phoneNumbers(properties.defaultPhoneRegion()));
        this.subscriptionIds = new SubscriptionIds(client, sharedLookups.getIfAvailable(() -> SharedLookups.NONE),
                properties.subscriptionIds().maxSize(), properties.subscriptionIds().ttl());
        this.channelChecks = new ChannelChecks(client, properties.precheckTtl());
    }

    @Override
    public DestinationDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /** One call per row (per tag), {@code concurrency} in flight per batch; the channel's rate limit. */
    @Override
    public Pace pace() {
        return new Pace(1, properties.concurrency(), null,
                resilience.configuredRequestsPerSecond(CleverPushClient.VENDOR));
    }

    /** The channel. */
    @Override
    public String account(Connection connection) {
        return CleverPushClient.account(connection.value(CHANNEL_ID));
    }

    @Override
    public ConnectionCheckResult checkConnection(Connection connection, Deadline deadline) {
        RowError problem = channelChecks.check(connection, deadline).problem();
        return problem == null ? ConnectionCheckResult.success() : ConnectionCheckResult.failure(problem);
    }

    @Override
    public void sync(SyncRequest request, Deadline deadline, RowResults results) {
        ChannelChecks.Verdict check = channelChecks.check(request.connection(), deadline);
        if (check.stops()) {
            results.stop(check.problem()); // the core fails every row with it
            return;
        }
        if (check.problem() != null) {
            // the check could not run (the vendor failing, throttling or out of time): the rows are sent unchecked
            // and each one's own call decides, never failed for the check alone
            log.info("cleverpush channel {}: the channel check failed ({}); rows are sent unchecked",
                    request.connection().value(CHANNEL_ID), check.problem().message());
        }
        SyncOptions options = request.options() == null ? new SyncOptions(Map.of(), null) : request.options();
        boolean byUserId = USER_ID.equals(options.string(SUBSCRIPTION_ID_KIND, NATIVE));
        ChannelCatalog catalog = options.bool(PRECHECK, true) ? channelChecks.catalog(request, check, deadline)
                : ChannelCatalog.UNKNOWN;
        Run run = new Run(request, deadline, results, byUserId, catalog);
        // Calls are planned lazily, row by row, as the concurrency window asks for more: a 100,000-row tags batch
        // never holds all its calls at once.
        Flux.fromIterable(request.rows())
                .concatMapIterable(run::callsOf)
                .flatMap(call -> run.send(call)
                                .doOnNext(outcome -> run.tracker.record(call, outcome.error(), outcome.wholeRow())),
                        properties.concurrency())
                .then()
                .block();
        // rows left without an outcome fail with the stop when the batch ends (AdapterRun)
        results.stopped().ifPresent(stopped -> log.warn("cleverpush batch {} of sync {} stopped: {}",
                request.batchId(), request.syncId(), stopped.message()));
    }

    /**
     * Plans the rows as {@link #sync} would send them, without a vendor call: counts the channel check, the read of
     * the channel's custom attributes when a sync with {@code precheck} would make it, one look-up per distinct user
     * id this replica does not know ({@code subscriptionIdKind=user_id}; the shared store is read, the vendor is
     * not) and one call per row (per tag). Rows are planned {@code upsert} (subscription sync),
     * {@code unsubscribe}, {@code tag} or {@code untag}; a row the mapping fails or skips gets that outcome. What
     * only the vendor can tell is not checked and is named in the plan: tags and custom attributes the channel lacks
     * ({@code unknown_tag}, {@code unknown_attribute}) and user ids without a subscription
     * ({@code subscription_not_found}). Bodies hold no secret (the API key travels in a header); a body whose native
     * id would come from a look-up names the user id instead.
     */
    @Override
    public void plan(SyncRequest request, RowResults results, Plan plan) {
        String channelId = request.connection().value(CHANNEL_ID);
        SyncOptions options = request.options() == null ? new SyncOptions(Map.of(), null) : request.options();
        boolean byUserId = USER_ID.equals(options.string(SUBSCRIPTION_ID_KIND, NATIVE));
        boolean precheck = options.bool(PRECHECK, true);
        plan.request("GET", path(CleverPushWire.CHANNEL_TAGS_PATH, CleverPushWire.channelVariables(channelId)), null);
        if (precheck && channelChecks.wouldReadAttributes(request)) {
            plan.request("GET", path(CleverPushWire.CHANNEL_CONFIG_PATH, CleverPushWire.channelVariables(channelId)),
                    null);
        }
        if (precheck) {
            plan.notChecked(TAGS.equals(request.objectType()) ? ErrorCode.UNKNOWN_TAG : ErrorCode.UNKNOWN_ATTRIBUTE);
        }
        if (byUserId) {
            plan.notChecked(ErrorCode.SUBSCRIPTION_NOT_FOUND);
            subscriptionIds.prefetch(channelId, CleverPushCalls.subscriptionIds(request.rows()));
        }
        CleverPushCalls calls = new CleverPushCalls(rows, properties.maxTagsPerRow(), request.objectType(),
                request.mode(), channelId, byUserId, ChannelCatalog.UNKNOWN);
        java.util.Set<String> lookedUp = new java.util.HashSet<>();
        for (SyncRow row : request.rows()) {
            CleverPushRows.Mapped<List<Call>> mapped = calls.plan(row);
            if (mapped.error() != null) {
                if (mapped.skip()) {
                    results.skipped(row.index(), mapped.error());
                } else {
                    results.failed(row.index(), mapped.error());
                }
                continue;
            }
            for (Call call : mapped.value()) {
                String nativeId = call.sync() ? null : call.subscriptionId();
                if (call.resolve()) {
                    nativeId = subscriptionIds.cached(channelId, call.subscriptionId());
                    if (nativeId == null && lookedUp.add(call.subscriptionId())) {
                        plan.request("GET", path(CleverPushWire.LOOKUP_PATH,
                                CleverPushWire.lookupVariables(channelId, call.subscriptionId())), null);
                    }
                    if (nativeId == null && !call.sync()) {
                        nativeId = "(the subscription id of user_id '" + call.subscriptionId() + "')";
                    }
                }
                String id = nativeId;
                plan.request("POST", path(call.path(), CleverPushWire.channelVariables(channelId)),
                        () -> call.body().apply(id));
            }
            results.planned(row.index(), action(mapped.value().get(0)));
        }
    }

    private static RowAction action(Call call) {
        if (call.sync()) {
            return RowAction.UPSERT;
        }
        if (call.tag() != null) {
            return CleverPushWire.TAG_REMOVE_PATH.equals(call.path()) ? RowAction.UNTAG : RowAction.TAG;
        }
        return RowAction.UNSUBSCRIBE;
    }

    /** A path template filled as the client fills it (each value encoded in full). */
    private static String path(String template, Map<String, String> variables) {
        return UriComponentsBuilder.fromUriString(template).encode().buildAndExpand(variables).toUriString();
    }

    /** A call's error (null: it succeeded); {@code wholeRow}: the row's own error, not the call's. */
    record Outcome(RowError error, boolean wholeRow) {
        static final Outcome OK = new Outcome(null, false);

        static Outcome of(RowError error) {
            return new Outcome(error, false);
        }
    }

    /** One batch on its way: its plan, stop and the calls' bookkeeping. */
    private final class Run {
        private final Deadline deadline;
        private final RowResults results;
        private final boolean byUserId;
        private final CleverPushCalls plan;
        private final String channelId;
        private final Secret apiKey;
        private final CallTracker tracker;
        private final Sinks.One<Boolean> stopSignal = Sinks.one();
        private final LogContext logContext = LogContext.capture(); // calls run on I/O threads: keep the context
        private final SubscriptionIds.Batch ids;

        Run(SyncRequest request, Deadline deadline, RowResults results, boolean byUserId, ChannelCatalog catalog) {
            this.deadline = deadline;
            this.results = results;
            this.byUserId = byUserId;
            this.channelId = request.connection().value(CHANNEL_ID);
            this.plan = new CleverPushCalls(rows, properties.maxTagsPerRow(), request.objectType(), request.mode(),
                    channelId, byUserId, catalog);
            this.apiKey = request.connection().secret(API_KEY);
            this.tracker = new CallTracker(results);
            this.ids = byUserId ? subscriptionIds.batch(channelId, apiKey, deadline, stopSignal.asMono(), logContext)
                    : null;
            if (byUserId) {
                subscriptionIds.prefetch(channelId, CleverPushCalls.subscriptionIds(request.rows()));
            }
        }

        /** The calls of one row ({@link CleverPushCalls}), or none with the row's failure or skip recorded. */
        List<Call> callsOf(SyncRow row) {
            CleverPushRows.Mapped<List<Call>> calls = plan.plan(row);
            if (calls.error() != null) {
                if (calls.skip()) {
                    results.skipped(row.index(), calls.error());
                } else {
                    results.failed(row.index(), calls.error());
                }
                return List.of();
            }
            tracker.expect(row.index(), calls.value().size());
            return calls.value();
        }

        /**
         * One call, or the stop error without sending when the batch has stopped. A stop also cuts short the waits
         * of calls under way (rate limiter, retry backoff, a look-up): after a 401/403 nothing more goes out, while
         * an answer already on its way is still taken.
         */
        Mono<Outcome> send(Call call) {
            return Mono.defer(() -> {
                RowError stopped = results.stopped().orElse(null);
                if (stopped != null) {
                    return Mono.just(Outcome.of(stopped)); // the batch stopped: this call is never sent
                }
                return nativeId(call).flatMap(resolved -> {
                    if (resolved.error() != null) {
                        if (resolved.stops()) {
                            stop(resolved.error());
                        }
                        boolean create = call.sync()
                                && ErrorCode.SUBSCRIPTION_NOT_FOUND.code().equals(resolved.error().code());
                        if (!create) {
                            return Mono.just(new Outcome(resolved.error(), true));
                        }
                        resolved = SubscriptionIds.Resolved.found(null); // a sync of an unknown user creates it
                    }
                    String nativeId = resolved.nativeId();
                    return client.call(channelId, apiKey, call.operation(), HttpMethod.POST, call.path(),
                                    call.body().apply(nativeId), deadline, stopSignal.asMono(), logContext)
                            .map(reply -> outcome(call, nativeId, reply))
                            .onErrorResume(VendorCallFailure.class, f -> Mono.just(Outcome.of(f.toRowError())));
                })
                        // empty: the batch stopped while this call waited (rate limiter, retry): it is unconfirmed
                        .switchIfEmpty(Mono.fromSupplier(() -> Outcome.of(results.stopped().orElse(null))));
            });
        }

        /** The native id the call is made with: the row's own, none (a native-kind sync), or looked up. */
        private Mono<SubscriptionIds.Resolved> nativeId(Call call) {
            if (call.resolve()) {
                return ids.resolve(call.subscriptionId());
            }
            return Mono.just(SubscriptionIds.Resolved.found(call.sync() ? null : call.subscriptionId()));
        }

        /** The vendor stopped the batch: recorded in the results (the first stop wins), and waits are cut short. */
        private void stop(RowError error) {
            results.stop(error);
            stopSignal.tryEmitValue(Boolean.TRUE);
        }

        private Outcome outcome(Call call, String nativeId, VendorReply reply) {
            int status = reply.status();
            if (reply.isSuccess()) {
                if (CleverPushWire.errorOfSuccess(reply.json()) != null) {
                    // a 2xx carrying an error: the message is that error, redacted and truncated by the exchange
                    return Outcome.of(RowError.of(ErrorCode.REJECTED_BY_DESTINATION, "CleverPush: " + reply.message()));
                }
                if (byUserId && call.sync()) {
                    String created = CleverPushWire.nativeIdOf(reply.json());
                    if (created != null) {
                        subscriptionIds.remember(channelId, call.subscriptionId(), created);
                    }
                }
                return Outcome.OK;
            }
            String message = "CleverPush answered " + status + ": " + reply.message();
            if (status == 401 || status == 403) {
                RowError auth = RowError.of(ErrorCode.DESTINATION_AUTH_FAILED, message);
                stop(auth);
                return Outcome.of(auth);
            }
            if ((status == 404 || status == 410) && call.resolve() && nativeId != null) {
                // the id found for this user is gone: forget it, a retry of the row looks the user up again
                ids.forget(call.subscriptionId());
                return Outcome.of(new RowError(ErrorCode.DESTINATION_NOT_FOUND.code(), CleverPushRows.SUBSCRIPTION_ID,
                        message + " (the subscription id found for this user id is forgotten; a retry looks it up "
                                + "again)", true));
            }
            if (status == 404) {
                RowError notFound = RowError.of(ErrorCode.DESTINATION_NOT_FOUND, message);
                if (call.sync()) {
                    stop(notFound); // a sync names the channel in its path: the channel itself is unknown
                }
                return Outcome.of(notFound);
            }
            return Outcome.of(RowError.of(ErrorCode.REJECTED_BY_DESTINATION, message));
        }
    }
}
