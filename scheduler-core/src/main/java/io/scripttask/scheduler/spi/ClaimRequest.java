package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobStatus;
import io.scripttask.scheduler.Limits;
import io.scripttask.scheduler.ValidationException;
import java.util.Objects;

/**
 * One claim of a {@link SchedulerStore#claimAll} batch: the arguments of one {@link
 * SchedulerStore#claim} call, validated as {@code claim} validates them (all but the identity
 * check, which needs the stored job).
 *
 * @param running the new content: status {@link JobStatus#RUNNING}, with owner, start time and
 *     fencing token
 * @param expectedStatus the status the claim is based on: {@link JobStatus#QUEUED} or {@link
 *     JobStatus#WAITING}
 * @param expectedVersion the version the claim is based on
 * @param limits the limits to respect
 */
public record ClaimRequest(
    Job running, JobStatus expectedStatus, long expectedVersion, Limits limits) {

  /**
   * Validates the request.
   *
   * @throws NullPointerException if {@code running}, {@code expectedStatus} or {@code limits} is
   *     null
   * @throws ValidationException if {@code running} is not RUNNING or {@code expectedStatus} is not
   *     QUEUED or WAITING
   */
  public ClaimRequest {
    Objects.requireNonNull(running, "running");
    Objects.requireNonNull(expectedStatus, "expectedStatus");
    Objects.requireNonNull(limits, "limits");
    if (running.status() != JobStatus.RUNNING) {
      throw new ValidationException("running.status", "be RUNNING", running.status());
    }
    if (!expectedStatus.isPending()) {
      throw new ValidationException("expectedStatus", "be QUEUED or WAITING", expectedStatus);
    }
  }
}
