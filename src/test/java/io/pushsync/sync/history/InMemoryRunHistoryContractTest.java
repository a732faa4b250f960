package io.pushsync.sync.history;

import java.time.Duration;

class InMemoryRunHistoryContractTest extends AbstractRunHistoryContractTest {

    @Override
    protected RunHistory history(int maxRuns, Duration retention) {
        return new InMemoryRunHistory(maxRuns, retention, clock);
    }
}
