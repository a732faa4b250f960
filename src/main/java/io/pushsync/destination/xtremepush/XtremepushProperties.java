package io.pushsync.destination.xtremepush;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code pushsync.xtremepush.*}. A value out of its range (checked here) stops the start-up with a message naming
 * the key.
 *
 * @param regions base URL per region ({@code eu}, {@code us}); base URLs come only from configuration
 * @param chunkSize profile rows per {@code import/profile} request (vendor maximum 10,000)
 * @param chunksInFlight profile chunks delivered at once per app token (shared by every batch of the token in this
 *     replica); 1 sends them one after another. Chunks sharing a {@code user_id}/{@code device_id} never overlap.
 * @param listChunkSize identifiers per {@code import/list} request
 * @param maxChunkBytes the largest body of one {@code import/profile} or {@code import/list} request: a chunk is cut
 *     early, by its rows' sizes as JSON, so that its body stays within it; a row that alone makes a larger body
 *     fails {@code invalid_field}, alone. The vendor publishes no byte limit; this bounds the memory a chunk holds
 * @param requestTimeout response timeout of one profile import request
 * @param listTimeout response timeout of one list import request
 * @param connectTimeout TCP connect timeout
 * @param defaultPhoneRegion ISO region (e.g. {@code IE}) for phone numbers in national format (leading 0);
 *     empty: such numbers are rejected
 * @param maxResponseSize vendor answers are small envelopes: a larger body is not read (its status still decides)
 * @param isolation bisecting a chunk the vendor rejected with 400, 413 or 422
 * @param oauth OAuth 2.0 client credentials: how pushsync asks for a token and sends it (see {@link OAuth})
 */
@ConfigurationProperties("pushsync.xtremepush")
public record XtremepushProperties(
        Map<String, Region> regions,
        @DefaultValue("5000") int chunkSize,
        @DefaultValue("2") int chunksInFlight,
        @DefaultValue("5000") int listChunkSize,
        @DefaultValue("4MB") DataSize maxChunkBytes,
        @DefaultValue("60s") Duration requestTimeout,
        @DefaultValue("120s") Duration listTimeout,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("") String defaultPhoneRegion,
        @DefaultValue("2MB") DataSize maxResponseSize,
        @DefaultValue Isolation isolation,
        @DefaultValue OAuth oauth) {

    static final String MAX_CHUNK_BYTES_KEY = "pushsync.xtremepush.max-chunk-bytes";
    /** Below this even a body of one short row could not be sent with its columns and token. */
    static final DataSize MIN_CHUNK_BYTES = DataSize.ofKilobytes(1);
    /** A body is one array in memory. */
    static final DataSize MAX_CHUNK_BYTES = DataSize.ofMegabytes(512);

    public XtremepushProperties {
        Map<String, Region> merged = new LinkedHashMap<>();
        merged.put("eu", new Region("https://api.eu.xtremepush.com"));
        merged.put("us", new Region("https://api.us.xtremepush.com"));
        if (regions != null) {
            merged.putAll(regions);
        }
        regions = Map.copyOf(merged);
        if (chunkSize < 1 || chunkSize > 10_000) {
            throw new IllegalArgumentException("pushsync.xtremepush.chunk-size must be 1..10000, was " + chunkSize);
        }
        if (chunksInFlight < 1) {
            throw new IllegalArgumentException(
                    "pushsync.xtremepush.chunks-in-flight must be at least 1, was " + chunksInFlight);
        }
        if (listChunkSize < 1) {
            throw new IllegalArgumentException("pushsync.xtremepush.list-chunk-size must be positive");
        }
        if (maxChunkBytes == null || maxChunkBytes.compareTo(MIN_CHUNK_BYTES) < 0
                || maxChunkBytes.compareTo(MAX_CHUNK_BYTES) > 0) {
            throw new IllegalArgumentException(MAX_CHUNK_BYTES_KEY + " must be 1KB..512MB, was "
                    + (maxChunkBytes == null ? "empty" : maxChunkBytes.toBytes() + "B"));
        }
    }

    public record Region(String baseUrl) {
    }

    /** @param maxRequestsPerChunk requests one chunk may cost while isolating rejected rows, first one included */
    public record Isolation(@DefaultValue("64") int maxRequestsPerChunk) {
    }

    /**
     * {@code pushsync.xtremepush.oauth.*}: the token request and the token's use on calls. The vendor documents
     * only {@code POST /api/oauth/token} and the grant type; every other default is the standard OAuth 2.0 choice,
     * UNCONFIRMED, kept here so a real account can correct it in configuration (defaults: {@link XtremepushWire}).
     *
     * @param tokenPath the token endpoint, relative to the region's base URL
     * @param clientAuthentication {@code form}: {@code client_id} and {@code client_secret} in the form body;
     *     {@code basic}: HTTP Basic with them
     * @param accessTokenField the answer's field holding the access token
     * @param expiresInField the answer's field holding the token's lifetime in seconds
     * @param defaultLifetime the lifetime assumed when the answer gives none
     * @param refreshMargin a token is renewed this long before it expires
     * @param tokenTravels {@code header}: {@code Authorization: Bearer <token>}, no {@code apptoken} in the body;
     *     {@code body}: the access token in the body's {@code apptoken} field
     * @param maxClients tokens held at once (one per client id and region)
     */
    public record OAuth(
            @DefaultValue(XtremepushWire.TOKEN_PATH) String tokenPath,
            @DefaultValue(XtremepushWire.CLIENT_AUTHENTICATION) String clientAuthentication,
            @DefaultValue(XtremepushWire.ACCESS_TOKEN_FIELD) String accessTokenField,
            @DefaultValue(XtremepushWire.EXPIRES_IN_FIELD) String expiresInField,
            @DefaultValue("5m") Duration defaultLifetime,
            @DefaultValue("60s") Duration refreshMargin,
            @DefaultValue(XtremepushWire.TOKEN_TRAVELS) String tokenTravels,
            @DefaultValue("10000") long maxClients) {

        public OAuth {
            if (!List.of("form", "basic").contains(clientAuthentication)) {
                throw new IllegalArgumentException("pushsync.xtremepush.oauth.client-authentication must be form or "
                        + "basic, was " + clientAuthentication);
            }
            if (!List.of("header", "body").contains(tokenTravels)) {
                throw new IllegalArgumentException("pushsync.xtremepush.oauth.token-travels must be header or body, "
                        + "was " + tokenTravels);
            }
            if (defaultLifetime.isNegative() || defaultLifetime.isZero() || refreshMargin.isNegative()
                    || maxClients < 1) {
                throw new IllegalArgumentException("pushsync.xtremepush.oauth.default-lifetime and max-clients must "
                        + "be positive, refresh-margin not negative");
            }
        }

        boolean basic() {
            return "basic".equals(clientAuthentication);
        }

        boolean inHeader() {
            return "header".equals(tokenTravels);
        }
    }
}
