package io.pushsync.sandbox;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.sandbox.cleverpush.*}: the simulated CleverPush account.
 *
 * @param apiKey the one valid private API key, expected as the raw {@code Authorization} header (no {@code Bearer})
 * @param channelId the one channel that exists (case-sensitive)
 * @param customAttributes custom attribute ids defined in the channel ({@code user_id} carries the row's key)
 * @param tags tag ids defined in the channel
 * @param seedSubscriptions native subscription ids that exist from the start (and after a reset), with no fields
 * @param rejectedUserIdPrefix a sync whose {@code customAttributes.user_id} starts with this is refused with a 200
 *        carrying {@code {"error": ...}} (to see a 2xx error and row isolation at work)
 */
@ConfigurationProperties("pushsync.sandbox.cleverpush")
public record SandboxCleverPushProperties(
        @DefaultValue("sandbox-api-key") String apiKey,
        @DefaultValue("sandbox-channel") String channelId,
        @DefaultValue({"user_id", "plan", "loyalty_tier"}) List<String> customAttributes,
        @DefaultValue({"vip", "newsletter", "beta"}) List<String> tags,
        @DefaultValue({"sub-1001", "sub-1002", "sub-1003"}) List<String> seedSubscriptions,
        @DefaultValue("reject-") String rejectedUserIdPrefix) {
}
