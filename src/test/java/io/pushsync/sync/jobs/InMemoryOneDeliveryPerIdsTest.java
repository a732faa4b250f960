package io.pushsync.sync.jobs;

import io.pushsync.sync.idempotency.IdempotencyLedger;

class InMemoryOneDeliveryPerIdsTest extends AbstractOneDeliveryPerIdsTest {

    @Override
    protected JobStore jobStore() {
        return new InMemoryJobStore(new JobSegments(LocalJobServices.JSON));
    }

    @Override
    protected IdempotencyLedger ledger() {
        return LocalJobServices.ledger();
    }
}
