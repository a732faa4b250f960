/**
 * The core as an adapter author sees it: the {@link io.pushsync.sync.Destination} SPI and its registry, the row
 * and result model ({@link io.pushsync.sync.SyncRequest}, {@link io.pushsync.sync.SyncRow},
 * {@link io.pushsync.sync.RowResults} with its first-outcome-wins rule and the batch stop), connections and
 * secrets, deadlines and pace, and {@link io.pushsync.sync.AdapterRun}, which runs an adapter over a prepared batch
 * for batches and jobs alike. Imports no vendor: adapters live in {@code io.pushsync.destination.*} and are
 * collected as beans.
 *
 * <p>Built on it, each in its own package: {@code intake} (reading and checking a request),
 * {@code connections} (named connections), {@code idempotency} (the replay ledger), {@code jobs} (background
 * jobs) and {@code batches} (synchronous batches). The packages are free of cycles (ArchitectureTest).
 */
package io.pushsync.sync;
