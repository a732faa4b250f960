package io.pushsync.sandbox;

import java.time.Duration;
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
 * @param clientId the one OAuth 2.0 client that may obtain access tokens from {@code POST /api/oauth/token}
 * @param clientSecret that client's secret
 * @param tokenLifetime how long an issued access token is accepted ({@code expires_in}, whole seconds; at least 1s)
 */
@ConfigurationProperties("pushsync.sandbox.xtremepush")
public record SandboxXtremepushProperties(
        @DefaultValue("sandbox-app-token") String appToken,
        @DefaultValue({"123", "456"}) List<Long> lists,
        @DefaultValue({"plan", "loyalty_tier"}) List<String> customAttributes,
        @DefaultValue("reject-") String rejectedUserIdPrefix,
        @DefaultValue("sandbox-client") String clientId,
        @DefaultValue("sandbox-client-secret") String clientSecret,
        @DefaultValue("3600s") Duration tokenLifetime) {

    public SandboxXtremepushProperties {
        if (tokenLifetime == null || tokenLifetime.toSeconds() < 1) {
            throw new IllegalArgumentException(
                    "pushsync.sandbox.xtremepush.token-lifetime must be at least 1s, was " + tokenLifetime);
        }
    }
}
