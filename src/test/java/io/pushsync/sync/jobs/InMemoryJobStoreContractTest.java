package io.pushsync.sync.jobs;

class InMemoryJobStoreContractTest extends AbstractJobStoreContractTest {

    @Override
    protected JobStore store() {
        return new InMemoryJobStore(SEGMENTS);
    }
}
