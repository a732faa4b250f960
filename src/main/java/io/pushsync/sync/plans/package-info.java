/**
 * Dry runs ({@code "dryRun": true}): {@link io.pushsync.sync.plans.DryRuns} runs an adapter's
 * {@link io.pushsync.sync.Destination#plan} instead of its {@code sync}, for a batch and for each window of a job.
 * Nothing is sent to a vendor, nothing is claimed or recorded in the idempotency ledger, and the rows are not
 * counted in {@code pushsync_rows_total}.
 */
package io.pushsync.sync.plans;
