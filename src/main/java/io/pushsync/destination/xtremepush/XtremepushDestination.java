package io.pushsync.destination.xtremepush;

import io.pushsync.resilience.VendorResilience;
import io.pushsync.sync.values.PhoneNumberProperties;
import io.pushsync.sync.Connection;
import io.pushsync.sync.ConnectionCheckResult;
import io.pushsync.sync.Deadline;
import io.pushsync.sync.Destination;
import io.pushsync.sync.ErrorCode;
import io.pushsync.sync.Pace;
import io.pushsync.sync.Plan;
import io.pushsync.sync.RowResults;
import io.pushsync.sync.SyncRequest;
import io.pushsync.sync.catalog.ConnectionField;
import io.pushsync.sync.catalog.DestinationDescriptor;
import io.pushsync.sync.catalog.ObjectTypeDescriptor;
import io.pushsync.sync.catalog.OptionDescriptor;
import io.pushsync.sync.catalog.ReplaceTarget;
import io.pushsync.sync.catalog.RequiredField;
import java.util.List;
import tools.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/** The Xtremepush destination: {@code user_profiles} and {@code list_members}. */
@Component
public class XtremepushDestination implements Destination {

    static final String TYPE = "xtremepush";
    static final String REGION = "region";
    static final String APP_TOKEN = "appToken";
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    static final String USER_PROFILES = "user_profiles";
    static final String LIST_MEMBERS = "list_members";

    private static final DestinationDescriptor DESCRIPTOR = new DestinationDescriptor(TYPE, "Xtremepush",
            List.of(ConnectionField.plain(REGION, "API region", List.of("eu", "us")),
                    // one kind of credentials: an app token, or an OAuth 2.0 client (projects since June 2026)
                    // credentials are bounded visible ASCII: they go onto the wire with every chunk
                    new ConnectionField(APP_TOKEN, "App token (Settings > Integrations > API Integration)", true,
                            false, List.of(), ConnectionField.SECRET_PATTERN),
                    // visible ASCII: a client id goes into a form body and is shown in summaries
                    new ConnectionField(CLIENT_ID, "OAuth 2.0 client id (Settings > Integrations > API Integration)",
                            false, false, List.of(), "[\\x21-\\x7E]{1,256}"),
                    new ConnectionField(CLIENT_SECRET, "OAuth 2.0 client secret", true, false, List.of(),
                            ConnectionField.SECRET_PATTERN)),
            List.of(new ObjectTypeDescriptor(USER_PROFILES, "User profiles", List.of("upsert"), List.of(),
                            List.of(RequiredField.of(ProfileNormaliser.USER_ID, ProfileNormaliser.DEVICE_ID)),
                            List.of("user_id", "email", "first_name", "last_name", "mobile_number",
                                    "email_subscription", "sms_subscription", "language", "timezone")),
                    new ObjectTypeDescriptor(LIST_MEMBERS, "List members",
                            List.of("add", "remove", "mirror", "upsert", ObjectTypeDescriptor.REPLACE),
                            List.of(OptionDescriptor.positiveInteger(ListMemberImport.LIST_ID, true,
                                    "numeric id of the Xtremepush user list (Data > Audiences)")),
                            List.of(RequiredField.of(ListMemberImport.IDENTIFIER)),
                            List.of(ListMemberImport.IDENTIFIER), List.of(),
                            new ReplaceTarget(ListMemberImport.IDENTIFIER, ListMemberImport.LIST_ID, null))),
            List.of(List.of(APP_TOKEN), List.of(CLIENT_ID, CLIENT_SECRET)));

    private final XtremepushClient client;
    private final ProfileImport profiles;
    private final ListMemberImport lists;
    private final XtremepushProperties properties;
    private final VendorResilience resilience;

    XtremepushDestination(XtremepushClient client, XtremepushProperties properties, ChunkLanes lanes,
            PhoneNumberProperties phoneNumbers, VendorResilience resilience) {
        this.client = client;
        this.properties = properties;
        this.resilience = resilience;
        this.profiles = new ProfileImport(client, properties,
                new ProfileNormaliser(phoneNumbers.phoneNumbers(properties.defaultPhoneRegion())), lanes);
        this.lists = new ListMemberImport(client, properties);
    }

    @Override
    public DestinationDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /**
     * Profile chunks of {@code chunk-size} rows, sent one after another by a batch, {@code chunks-in-flight} at once
     * per app token; the app token's rate limit.
     */
    @Override
    public Pace pace() {
        return new Pace(properties.chunkSize(), 1, properties.chunksInFlight(),
                resilience.configuredRequestsPerSecond(XtremepushClient.VENDOR));
    }

    /** The project's region and app token or OAuth client, as a digest. */
    @Override
    public String account(Connection connection) {
        return connection.value(REGION) + ":" + XtremepushCredentials.of(connection).account();
    }

    /** A list member as the list import sends it: trimmed, an e-mail address in lower case. */
    @Override
    public String replaceMember(String objectType, JsonNode value) {
        return ListMemberImport.identifier(value);
    }

    @Override
    public ConnectionCheckResult checkConnection(Connection connection, Deadline deadline) {
        XtremepushCredentials credentials = XtremepushCredentials.of(connection);
        RowIsolation.Outcome outcome = XtremepushReplyClassifier.classify(() -> client.post(
                connection.value(REGION), credentials, "connection_check", XtremepushWire.PROFILE_LIST_PATH,
                XtremepushWire::connectionCheck, deadline.remaining(), deadline));
        if (outcome instanceof RowIsolation.Confirmed) {
            return ConnectionCheckResult.success();
        }
        if (outcome instanceof RowIsolation.Stop s) {
            return ConnectionCheckResult.failure(s.error());
        }
        if (outcome instanceof RowIsolation.Failed f) {
            return ConnectionCheckResult.failure(f.error());
        }
        if (outcome instanceof RowIsolation.TooLarge t) { // an OAuth access token in the body over the bound
            return ConnectionCheckResult.failure(ErrorCode.INVALID_FIELD, "the connection check's request body of "
                    + t.size() + " bytes is more than " + XtremepushProperties.MAX_CHUNK_BYTES_KEY + " (" + t.max()
                    + " bytes)");
        }
        return ConnectionCheckResult.failure(ErrorCode.REJECTED_BY_DESTINATION,
                ((RowIsolation.Rejected) outcome).message());
    }

    /**
     * Sends the rows; a reply that no further request of the batch can get past (401/403, 404, another refusing
     * status) stops the batch ({@link RowResults#stop}), and the core fails the rows left with it.
     */
    @Override
    public void sync(SyncRequest request, Deadline deadline, RowResults results) {
        if (USER_PROFILES.equals(request.objectType())) {
            profiles.run(request, deadline, results);
        } else {
            lists.run(request, deadline, results);
        }
    }

    /**
     * Plans the rows as {@link #sync} would send them: profiles {@code upsert} in the same chunks, list members
     * {@code add} or {@code remove} in the same chunks, one request per chunk (an OAuth access-token request is not
     * counted). Bodies carry {@code "apptoken": "****"}.
     */
    @Override
    public void plan(SyncRequest request, RowResults results, Plan plan) {
        if (USER_PROFILES.equals(request.objectType())) {
            profiles.plan(request, results, plan);
        } else {
            lists.plan(request, results, plan);
        }
    }
}
