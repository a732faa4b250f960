package io.pushsync.sync.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs this replica holds, queued or running, by job id; counted by the {@code pushsync_jobs} gauges. A job is
 * here from its submission until it has written its end.
 */
final class LocalJobs {

    private final Map<String, LocalJob> jobs = new ConcurrentHashMap<>();

    LocalJobs(MeterRegistry meters) {
        Gauge.builder("pushsync_jobs", jobs, m -> count(m, false)).tag("state", "queued")
                .description("jobs of this replica waiting to run").register(meters);
        Gauge.builder("pushsync_jobs", jobs, m -> count(m, true)).tag("state", "running")
                .description("jobs of this replica running").register(meters);
    }

    void add(LocalJob job) {
        jobs.put(job.spec.jobId(), job);
    }

    /** The job, or null when this replica does not hold it. */
    LocalJob get(String jobId) {
        return jobs.get(jobId);
    }

    boolean holds(String jobId) {
        return jobs.containsKey(jobId);
    }

    void remove(String jobId) {
        jobs.remove(jobId);
    }

    Collection<LocalJob> all() {
        return jobs.values();
    }

    boolean isEmpty() {
        return jobs.isEmpty();
    }

    int size() {
        return jobs.size();
    }

    private static int count(Map<String, LocalJob> jobs, boolean started) {
        int n = 0;
        for (LocalJob job : jobs.values()) {
            if (job.started == started) {
                n++;
            }
        }
        return n;
    }
}
