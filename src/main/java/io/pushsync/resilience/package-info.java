/**
 * Building Resilience4j retries and rate limiters per vendor account from the YAML configs
 * ({@code resilience4j.*.configs.<vendor>}), the transient-failure type they retry on, {@code Retry-After}
 * parsing and the vendor-call metrics. Shared by the adapters; knows no vendor.
 */
package io.pushsync.resilience;
