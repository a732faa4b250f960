/**
 * The idempotency ledger: one answer per (sync, batch id) kept for replay, in process or in the shared state
 * store, and the conflict raised when a key is held by a different payload, a running batch, or the other
 * endpoint.
 */
package io.pushsync.sync.idempotency;
