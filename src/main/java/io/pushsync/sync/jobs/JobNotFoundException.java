package io.pushsync.sync.jobs;

/** No such job: never existed, or forgotten after its retention (answered 404). */
public class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String jobId) {
        super("no job '" + jobId + "': it does not exist, or it finished longer ago than pushsync.jobs.retention");
    }
}
