package io.pushsync.state.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushsync.testsupport.BatchAssertions;
import io.pushsync.testsupport.CleverPushBodies;
import io.pushsync.testsupport.PushsyncReplicas;
import io.pushsync.testsupport.RedisServerExtension;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Redis stops answering while the vendor has the batch (the private server frozen with {@code SIGSTOP} from inside
 * WireMock's answer, a Lettuce command timeout of 1 s): the vendor got the rows, so the batch still answers 200 with
 * its per-row results; the failure to record it in the idempotency ledger is logged and counted.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisLedgerFailsAfterTheVendorTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    static final String TOKEN = "t";
    static final String API_KEY = "cp-key-ledger-outage-SECRET";
    static final JsonMapper JSON = JsonMapper.builder().build();

    static WireMockServer cleverPush;
    static PushsyncReplicas replicas;

    /** Freezes Redis while the vendor call is in flight, then answers normally. */
    static final class FreezeRedis implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            REDIS.pause();
            return serveEvent.getResponseDefinition();
        }

        @Override
        public String getName() {
            return "freeze-redis";
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }
    }

    @BeforeAll
    static void start() {
        cleverPush = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(new FreezeRedis()));
        cleverPush.start();
        Map<String, String> properties = new LinkedHashMap<>(PushsyncReplicas.redisState(REDIS));
        properties.put("spring.data.redis.timeout", "1s");
        properties.put("pushsync.api-tokens", TOKEN);
        properties.put("pushsync.cleverpush.base-url", "http://127.0.0.1:" + cleverPush.port());
        replicas = PushsyncReplicas.start(1, properties);
    }

    @AfterAll
    static void stop() {
        REDIS.resume();
        if (replicas != null) {
            replicas.close();
        }
        if (cleverPush != null) {
            cleverPush.stop();
        }
    }

    static HttpResponse<String> send(ObjectNode body) throws Exception {
        return replicas.post(0, "/v1/destinations/cleverpush/batches", JSON.writeValueAsString(body), TOKEN);
    }

    double recordFailures() {
        MeterRegistry meters = replicas.context(0).getBean(MeterRegistry.class);
        Counter c = meters.find("pushsync_idempotency_record_failures_total").tag("destination", "cleverpush")
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aBatchTheVendorGotAnswers200WithItsResultsThoughItCouldNotBeRecorded(CapturedOutput output)
            throws Exception {
        String channel = "chan-" + UUID.randomUUID().toString().substring(0, 8);
        cleverPush.stubFor(get(urlPathMatching("/channel/.*")).willReturn(okJson("{\"_id\":\"c\",\"name\":\"C\"}")));
        cleverPush.stubFor(post(urlPathMatching("/subscription/.*"))
                .willReturn(okJson("{\"success\":true}").withTransformers("freeze-redis")));
        ObjectNode body = CleverPushBodies.subscriptions("ledger-outage", "batch-" + UUID.randomUUID(), channel,
                API_KEY, "s-", 0, 1);
        double failuresBefore = recordFailures();

        HttpResponse<String> answer;
        try {
            answer = send(body);
        } finally {
            REDIS.resume();
        }

        assertThat(cleverPush.findAll(postRequestedFor(urlPathMatching("/subscription/.*")))).as("the vendor got it")
                .hasSize(1);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode results = JSON.readTree(answer.body());
        BatchAssertions.assertOneResultPerRowInOrder(body, results);
        BatchAssertions.assertAllSucceeded(results);
        assertThat(recordFailures() - failuresBefore).isEqualTo(1.0);
        assertThat(output.getAll()).contains("could not be recorded in the idempotency ledger")
                .doesNotContain(API_KEY);

        // Redis is back: a resend is not stuck behind the claim (replayed if the late write landed, else run again)
        HttpResponse<String> resend = send(body);
        assertThat(resend.statusCode()).as(resend.body()).isEqualTo(200);
        assertThat(resend.body()).doesNotContain(API_KEY);
    }
}
