package io.pushsync.sync.jobs;

import java.time.Instant;

/**
 * What a job is, fixed at submission. Holds no credential: the connection stays in the memory of the replica that
 * runs the job and never reaches a store.
 *
 * @param fingerprint SHA-256 of the destination type and the request body: tells a replay from a different payload
 * @param total rows in the job
 * @param segmentSize rows per stored segment of ids and results (readers on any replica page by it)
 * @param owner the replica that runs the job
 * @param dryRun a dry run: planned, never sent; it holds no claim on its {@code (syncId, batchId)}
 */
public record JobSpec(
        String jobId,
        String syncId,
        String batchId,
        String destination,
        String objectType,
        String mode,
        String fingerprint,
        int total,
        int segmentSize,
        Instant createdAt,
        String owner,
        boolean dryRun) {

    public int segments() {
        return (total + segmentSize - 1) / segmentSize;
    }

    /** The first row of segment {@code s}. */
    public int segmentFrom(int s) {
        return s * segmentSize;
    }

    /** One past the last row of segment {@code s}. */
    public int segmentTo(int s) {
        return Math.min(total, segmentFrom(s) + segmentSize);
    }
}
