/**
 * The core: batches, rows, per-row results, the {@link io.pushsync.sync.Destination} SPI, the registry of
 * destinations, request validation against a destination's catalog, deadlines and idempotent replay.
 * Imports no vendor: adapters live in {@code io.pushsync.destination.*} and are collected as beans.
 */
package io.pushsync.sync;
