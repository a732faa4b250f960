package io.pushsync.api;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code pushsync.api-tokens}: bearer tokens callers may use (env {@code PUSHSYNC_API_TOKENS}, comma-separated).
 * None configured: every {@code /v1/**} call is refused.
 */
@ConfigurationProperties("pushsync")
public record ApiTokenProperties(List<String> apiTokens) {

    public ApiTokenProperties {
        apiTokens = apiTokens == null ? List.of()
                : apiTokens.stream().filter(t -> t != null && !t.isBlank()).map(String::trim).toList();
    }

    @Override
    public String toString() {
        return "ApiTokenProperties[apiTokens=" + apiTokens.size() + " configured]";
    }
}
