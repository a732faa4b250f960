/**
 * The CleverPush destination: subscriptions (one {@code subscription/sync} per row, {@code subscription/unsubscribe}
 * for removals) and tags (one call per tag), as {@link CleverPushCalls} plans them. Calls run concurrently within
 * {@code pushsync.cleverpush.concurrency}, under a rate limiter per channel. Every wire detail the vendor documents
 * leave open lives in {@link CleverPushWire}.
 */
package io.pushsync.destination.cleverpush;
