/**
 * The recent-runs index: what the console and {@code GET /v1/runs} list (batches with their summary, jobs by id).
 * Results stay in the idempotency ledger and the job store; this index only says which runs there were.
 */
package io.pushsync.sync.history;
