/** Vendor adapters, one folder each. An adapter imports {@code sync} and {@code resilience}, never another adapter. */
package io.pushsync.destination;
