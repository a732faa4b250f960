package io.pushsync.sync.idempotency;

import java.time.Duration;

class InMemoryIdempotencyLedgerContractTest extends AbstractIdempotencyLedgerContractTest {

    @Override
    protected IdempotencyLedger ledger(Duration ttl) {
        return new InMemoryIdempotencyLedger(new IdempotencyProperties(ttl, 1_000_000));
    }
}
