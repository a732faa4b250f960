package io.pushsync.sync.jobs;

/** Results were asked for while the job is still queued or running (answered 409). */
public class JobNotFinishedException extends RuntimeException {

    public JobNotFinishedException(JobStatus status) {
        super("job '" + status.jobId() + "' is " + status.state().wireName() + " (" + status.progress().done() + " of "
                + status.progress().total() + " rows done); its results can be read once it has finished: poll GET "
                + "/v1/jobs/" + status.jobId());
    }
}
