/**
 * Where pushsync keeps state that replicas share: {@code pushsync.state.store=in-process} (the default: the
 * in-process stores of {@code sync}, nothing else needed) or {@code redis} (the idempotency ledger, the job store and
 * the vendor accounts' rate-limit buckets in Redis, see {@link io.pushsync.state.redis}). Implements interfaces of
 * {@code sync} and {@code resilience}; nothing imports this package, Spring wires it in.
 */
package io.pushsync.state;
