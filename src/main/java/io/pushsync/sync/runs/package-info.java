/**
 * Reading recent runs for people and tools: the recent-runs index joined with the idempotency ledger (a batch's
 * rows) and the job store (a job's live state and results). Used by {@code GET /v1/runs...} and the console alike.
 */
package io.pushsync.sync.runs;
