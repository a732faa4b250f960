package io.pushsync.destination.xtremepush;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code pushsync.xtremepush.*}.
 *
 * @param regions base URL per region ({@code eu}, {@code us}); base URLs come only from configuration
 * @param chunkSize profile rows per {@code import/profile} request (vendor maximum 10,000)
 * @param chunksInFlight profile chunks delivered at once per app token (shared by every batch of the token in this
 *     replica); 1 sends them one after another. Chunks sharing a {@code user_id}/{@code device_id} never overlap.
 * @param listChunkSize identifiers per {@code import/list} request
 * @param requestTimeout response timeout of one profile import request
 * @param listTimeout response timeout of one list import request
 * @param connectTimeout TCP connect timeout
 * @param defaultPhoneRegion ISO region (e.g. {@code IE}) for phone numbers in national format (leading 0);
 *     empty: such numbers are rejected
 * @param maxResponseSize vendor answers are small envelopes: a larger body is not read (its status still decides)
 * @param isolation bisecting a chunk the vendor rejected with 400
 */
@ConfigurationProperties("pushsync.xtremepush")
public record XtremepushProperties(
        Map<String, Region> regions,
        @DefaultValue("5000") int chunkSize,
        @DefaultValue("2") int chunksInFlight,
        @DefaultValue("5000") int listChunkSize,
        @DefaultValue("60s") Duration requestTimeout,
        @DefaultValue("120s") Duration listTimeout,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("") String defaultPhoneRegion,
        @DefaultValue("2MB") DataSize maxResponseSize,
        @DefaultValue Isolation isolation) {

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
    }

    public record Region(String baseUrl) {
    }

    /** @param maxRequestsPerChunk requests one chunk may cost while isolating rejected rows, first one included */
    public record Isolation(@DefaultValue("64") int maxRequestsPerChunk) {
    }
}
