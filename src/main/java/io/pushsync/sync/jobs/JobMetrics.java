package io.pushsync.sync.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushsync.sync.catalog.DestinationDescriptor;
import java.util.List;

/**
 * {@code pushsync_jobs_finished_total{destination,state}}: jobs that ended on this replica, by final state
 * ({@code completed}, {@code cancelled}, {@code interrupted}). A job interrupted by this replica's shutdown is counted
 * by this replica as it stops; a job whose replica died is counted by the replica that first reads it after its
 * heartbeat went stale. The series of every destination and state exist from the start (at 0), so that the first
 * interrupted job is an increase a rule can see. Dry runs are counted like any job.
 */
final class JobMetrics {

    private static final String NAME = "pushsync_jobs_finished_total";

    private final MeterRegistry meters;

    JobMetrics(MeterRegistry meters, List<DestinationDescriptor> destinations) {
        this.meters = meters;
        for (DestinationDescriptor destination : destinations) {
            for (JobState state : JobState.values()) {
                if (state.isFinal()) {
                    counter(destination.type(), state);
                }
            }
        }
    }

    /**
     * {@code pushsync_jobs_rows_in_memory}: the rows the running jobs' windows hold now, at most
     * {@code pushsync.jobs.max-rows-in-memory}; at the limit, jobs wait for room before their next window.
     */
    void rowsInMemory(WindowRoom room) {
        Gauge.builder("pushsync_jobs_rows_in_memory", room, WindowRoom::held)
                .description("rows the running jobs' windows hold now (at most pushsync.jobs.max-rows-in-memory)")
                .register(meters);
    }

    void finished(String destination, JobState state) {
        counter(destination, state).increment();
    }

    private Counter counter(String destination, JobState state) {
        return Counter.builder(NAME).description("jobs that ended on this replica, by final state")
                .tag("destination", destination).tag("state", state.wireName()).register(meters);
    }
}
