package io.pushsync.destination.cleverpush;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushsync.sync.SharedLookups;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * With a shared store (Redis in production, a map here) a replica takes the ids other replicas found, and gives
 * the ids it finds to them.
 */
class CleverPushSharedSubscriptionIdsTest extends CleverPushWireMockSupport {

    /** The store every replica sees. */
    static final class MapLookups implements SharedLookups {
        final Map<String, String> values = new ConcurrentHashMap<>();

        @Override
        public Map<String, String> getAll(String namespace, Collection<String> keys) {
            Map<String, String> found = new HashMap<>();
            keys.forEach(k -> {
                String v = values.get(namespace + "|" + k);
                if (v != null) {
                    found.put(k, v);
                }
            });
            return found;
        }

        @Override
        public void putAll(String namespace, Map<String, String> put, Duration ttl) {
            put.forEach((k, v) -> values.put(namespace + "|" + k, v));
        }

        @Override
        public void remove(String namespace, Collection<String> keys) {
            keys.forEach(k -> values.remove(namespace + "|" + k));
        }
    }

    @TestConfiguration
    static class Shared {
        @Bean
        MapLookups sharedLookups() {
            return new MapLookups();
        }
    }

    @Autowired
    MapLookups shared;

    @Test
    void idsFoundByAnotherReplicaAreUsedWithoutALookUpAndFoundIdsAreShared() throws Exception {
        String channel = freshChannel("shared-ids");
        String namespace = SubscriptionIds.namespace(channel);
        shared.putAll(namespace, Map.of("u1", "native-from-elsewhere"), Duration.ofHours(1));
        wireMock.stubFor(get(urlPathEqualTo("/subscription")).atPriority(1)
                .withQueryParam("attribute_value", equalTo("u2")).willReturn(okJson("{\"_id\": \"native-2\"}")));
        ObjectNode batch = batch("tags", "add", channel, List.of(tagRow("a", null, "u1", "t1"),
                tagRow("b", null, "u2", "t1")));
        batch.putObject("options").put("subscriptionIdKind", "user_id");

        JsonNode response = postBatch(batch);

        assertAllSucceeded(response);
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/subscription"))
                .withQueryParam("attribute_value", equalTo("u1")))).as("held by the shared store").isEmpty();
        assertThat(requestsTo(TAG_ADD_PATH)).extracting(r -> bodyOf(r).get("subscriptionId").asString())
                .containsExactlyInAnyOrder("native-from-elsewhere", "native-2");
        assertThat(shared.getAll(namespace, List.of("u2"))).containsEntry("u2", "native-2");
    }
}
