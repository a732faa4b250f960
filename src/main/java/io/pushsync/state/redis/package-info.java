/**
 * The Redis implementations of the shared state (Spring Data Redis over Lettuce, Bucket4j for the rate-limit
 * buckets). Key layout, TTLs and failure behaviour: {@code docs/decisions.md}, "Shared state (Redis)".
 */
package io.pushsync.state.redis;
