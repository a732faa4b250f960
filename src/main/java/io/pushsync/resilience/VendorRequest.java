package io.pushsync.resilience;

import io.pushsync.sync.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * One vendor call.
 *
 * @param vendor destination type, for metrics, logs and the resilience configs
 * @param account the account's instance name ({@link VendorResilience#accountName})
 * @param operation metrics tag ({@code import_profile}, {@code subscription_sync}, ...)
 * @param method HTTP method
 * @param path path (and query) relative to the client's base URL; a URI template when {@code uriVariables} has
 *     entries (then only the template is logged, never the values)
 * @param body JSON body or {@code null}
 * @param secretHeaders headers whose values are credentials (never logged)
 * @param secrets every credential of the call: redacted from vendor messages
 * @param timeout response timeout of one attempt
 * @param uriVariables values of the template's {@code {name}} variables, each encoded in full (so a {@code +} or
 *     {@code &} in a value stays a character of that value)
 * @param contentType the body's media type (JSON unless a vendor call says otherwise, e.g. an OAuth token form)
 */
public record VendorRequest(
        String vendor,
        String account,
        String operation,
        HttpMethod method,
        String path,
        byte[] body,
        Map<String, Secret> secretHeaders,
        List<Secret> secrets,
        Duration timeout,
        Map<String, String> uriVariables,
        MediaType contentType) {

    public VendorRequest(String vendor, String account, String operation, HttpMethod method, String path, byte[] body,
            Map<String, Secret> secretHeaders, List<Secret> secrets, Duration timeout) {
        this(vendor, account, operation, method, path, body, secretHeaders, secrets, timeout, Map.of());
    }

    public VendorRequest(String vendor, String account, String operation, HttpMethod method, String path, byte[] body,
            Map<String, Secret> secretHeaders, List<Secret> secrets, Duration timeout,
            Map<String, String> uriVariables) {
        this(vendor, account, operation, method, path, body, secretHeaders, secrets, timeout, uriVariables,
                MediaType.APPLICATION_JSON);
    }

    @Override
    public String toString() {
        return "VendorRequest[" + vendor + " " + method + " " + path + "]";
    }
}
