package io.pushsync.sync.connections;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One entry of {@code GET /v1/connections}: a name and its type (and lists, if any), never a secret. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConnectionSummary(String name, String type, List<Long> listIds) {
}
