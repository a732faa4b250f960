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
 * @param tagNames display names of the tags, paired with {@link #tags} by index; a tag without one is named by its id
 * @param seedSubscriptions native subscription ids that exist from the start (and after a reset)
 * @param seedUserIds {@code customAttributes.user_id} of the seeded subscriptions, paired with
 *        {@link #seedSubscriptions} by index; a seed without one has no custom attributes
 * @param rejectedUserIdPrefix a sync whose {@code customAttributes.user_id} starts with this is refused with a 400
 *        carrying {@code {"error": ...}} (to see a refused row and row isolation at work)
 */
@ConfigurationProperties("pushsync.sandbox.cleverpush")
public record SandboxCleverPushProperties(
        @DefaultValue("sandbox-api-key") String apiKey,
        @DefaultValue("sandbox-channel") String channelId,
        @DefaultValue({"user_id", "plan", "loyalty_tier"}) List<String> customAttributes,
        @DefaultValue({"vip", "newsletter", "beta"}) List<String> tags,
        @DefaultValue({"VIP", "Newsletter", "Beta"}) List<String> tagNames,
        @DefaultValue({"sub-1001", "sub-1002", "sub-1003"}) List<String> seedSubscriptions,
        @DefaultValue({"user-1001", "user-1002", "user-1003"}) List<String> seedUserIds,
        @DefaultValue("reject-") String rejectedUserIdPrefix) {

    public SandboxCleverPushProperties {
        customAttributes = customAttributes == null ? List.of() : List.copyOf(customAttributes);
        tags = tags == null ? List.of() : List.copyOf(tags);
        tagNames = tagNames == null ? List.of() : List.copyOf(tagNames);
        seedSubscriptions = seedSubscriptions == null ? List.of() : List.copyOf(seedSubscriptions);
        seedUserIds = seedUserIds == null ? List.of() : List.copyOf(seedUserIds);
    }

    /** The display name of {@code tags().get(index)}: its paired {@link #tagNames} entry, else the id. */
    public String tagName(int index) {
        String name = index < tagNames.size() ? tagNames.get(index) : null;
        return name == null || name.isBlank() ? tags.get(index) : name;
    }

    /** The {@code user_id} of {@code seedSubscriptions().get(index)}, or null when it has none. */
    public String seedUserId(int index) {
        String userId = index < seedUserIds.size() ? seedUserIds.get(index) : null;
        return userId == null || userId.isBlank() ? null : userId;
    }
}
