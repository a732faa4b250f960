package io.pushsync.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * What a dry run found that the real run would send: an adapter's {@link Destination#plan} counts each vendor
 * request here ({@link #request}), in the order the real run would make them, and names the checks that need a
 * vendor read it did not make ({@link #notChecked}). The first {@code maxBodies} requests keep their method, path
 * and body (secrets redacted by the adapter); a plan of more requests answers none of them.
 */
public final class Plan {

    /** One vendor request: method, path as sent, and the JSON body (none for a read). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Request(String method, String path, JsonNode body) {
    }

    /**
     * The {@code plan} of a dry run's answer.
     *
     * @param requests vendor requests the real run would make, before retries and row isolation
     * @param bodies those requests, when there are at most {@code pushsync.batch.dry-run-max-bodies}; else null
     * @param notChecked row error codes the real run may give that need a vendor read, which a dry run does not make
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Report(int requests, List<Request> bodies,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> notChecked) {
    }

    private final int maxBodies;
    private int requests;
    private final List<Request> bodies = new ArrayList<>();
    private final Set<String> notChecked = new LinkedHashSet<>();

    public Plan(int maxBodies) {
        this.maxBodies = Math.max(0, maxBodies);
    }

    /** Counts one vendor request; its body is built only while the plan still keeps bodies. */
    public synchronized void request(String method, String path, Supplier<JsonNode> body) {
        requests++;
        if (requests <= maxBodies) {
            bodies.add(new Request(method, path, body == null ? null : body.get()));
        } else {
            bodies.clear();
        }
    }

    /** Row errors of the real run that this plan could not foresee (they need a vendor read). */
    public synchronized void notChecked(ErrorCode... codes) {
        Arrays.stream(codes).map(ErrorCode::code).forEach(notChecked::add);
    }

    public synchronized int requests() {
        return requests;
    }

    public synchronized Report report() {
        return new Report(requests, requests <= maxBodies ? List.copyOf(bodies) : null, List.copyOf(notChecked));
    }
}
