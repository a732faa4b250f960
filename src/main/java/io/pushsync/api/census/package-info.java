/**
 * Census' Custom API protocol ({@code POST /census/{connectionName}}, JSON-RPC 2.0) over a named connection: the
 * envelope and dispatch ({@link io.pushsync.api.census.CensusController}), the call read as a stream
 * ({@link io.pushsync.api.census.CensusCallReader}), objects and fields from the catalog
 * ({@link io.pushsync.api.census.CensusObjects}, {@link io.pushsync.api.census.CensusFields}), {@code sync_batch} as a
 * batch of the core ({@link io.pushsync.api.census.CensusSyncBatch}) and the sync speed from the destination's
 * declared pace ({@link io.pushsync.api.census.CensusSyncSpeed}). Uses the core ({@code io.pushsync.sync}) and the
 * shared pieces of the HTTP layer (streamed bodies, Problem Details types), never an adapter.
 */
package io.pushsync.api.census;
