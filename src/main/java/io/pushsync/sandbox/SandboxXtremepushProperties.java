package io.pushsync.sandbox;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pushsync.sandbox.xtremepush.*}: the simulated project.
 *
 * @param appToken the one valid app token
 * @param lists list ids that exist
 * @param customAttributes attribute keys defined in the project besides the system fields
 * @param rejectedUserIdPrefix user ids starting with this are refused with 400 (to see row isolation at work)
 */
@ConfigurationProperties("pushsync.sandbox.xtremepush")
public record SandboxXtremepushProperties(
        @DefaultValue("sandbox-app-token") String appToken,
        @DefaultValue({"123", "456"}) List<Long> lists,
        @DefaultValue({"plan", "loyalty_tier"}) List<String> customAttributes,
        @DefaultValue("reject-") String rejectedUserIdPrefix) {
}
