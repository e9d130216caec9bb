package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import java.util.List;
import java.util.Objects;

/**
 * One transition of a {@link SchedulerStore#transitionAll} batch: the arguments of one {@link
 * SchedulerStore#transition(Job, JobStatus, long, List)} call.
 *
 * @param next the new content; its id names the job, its version is ignored
 * @param expectedStatus the status the change is based on
 * @param expectedVersion the version the change is based on
 * @param follow the jobs to insert with the change (after-completion jobs); may be empty
 */
public record TransitionRequest(
    Job next, JobStatus expectedStatus, long expectedVersion, List<Job> follow) {

  /**
   * Validates the request.
   *
   * @throws NullPointerException if an argument or a follow job is null
   */
  public TransitionRequest {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(expectedStatus, "expectedStatus");
    follow = List.copyOf(Objects.requireNonNull(follow, "follow"));
  }

  /**
   * A transition without follow jobs.
   *
   * @param next the new content
   * @param expectedStatus the status the change is based on
   * @param expectedVersion the version the change is based on
   * @return the request
   * @throws NullPointerException if an argument is null
   */
  public static TransitionRequest of(Job next, JobStatus expectedStatus, long expectedVersion) {
    return new TransitionRequest(next, expectedStatus, expectedVersion, List.of());
  }
}
