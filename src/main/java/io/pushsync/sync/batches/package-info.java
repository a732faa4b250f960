/**
 * Synchronous batches: {@link io.pushsync.sync.batches.BatchService} reads and checks a request
 * ({@code sync.intake}), claims its idempotency key ({@code sync.idempotency}, refusing ids a job holds), runs
 * the adapter ({@link io.pushsync.sync.AdapterRun}) within the batch deadline, and records the answer for replay.
 */
package io.pushsync.sync.batches;
