package io.pushsync.destination.xtremepush;

import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/** The EU region played by a {@link FakeXtremepush} instead of WireMock: for tests that count requests in flight. */
abstract class FakeXtremepushSupport extends XtremepushWireMockSupport {

    @RegisterExtension
    static final FakeXtremepush VENDOR = new FakeXtremepush();

    @DynamicPropertySource
    static void vendor(DynamicPropertyRegistry registry) {
        registry.add("pushsync.xtremepush.regions.eu.base-url", VENDOR::baseUrl);
    }

    /**
     * Posts {@code batch} to the fake answering with {@code responder} and checks that every row succeeded; returns
     * the user ids of each request, in the order the requests arrived.
     */
    List<List<String>> postAllSucceeding(FakeXtremepush.Responder responder, ObjectNode batch) throws Exception {
        VENDOR.reset(responder);
        assertAllSucceeded(postBatch(batch));
        return VENDOR.bodies().stream().map(FakeXtremepush::userIds).toList();
    }
}
