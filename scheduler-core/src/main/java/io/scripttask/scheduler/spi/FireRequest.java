package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.ValidationException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One fire of a {@link SchedulerStore#fireAll} batch: the arguments of one {@link
 * SchedulerStore#fire} call, validated as {@code fire} validates them.
 *
 * @param scheduleId the schedule
 * @param expectedNextFire the next fire time the caller read
 * @param newNextFire the following fire time, or {@code null} when the trigger is exhausted; after
 *     {@code expectedNextFire}
 * @param jobs the jobs of this fire, each of them of schedule {@code scheduleId}; may be empty
 */
public record FireRequest(
    String scheduleId, Instant expectedNextFire, Instant newNextFire, List<Job> jobs) {

  /**
   * Validates the request.
   *
   * @throws NullPointerException if {@code scheduleId}, {@code expectedNextFire}, {@code jobs} or a
   *     job is null
   * @throws ValidationException if {@code newNextFire} is not after {@code expectedNextFire} or a
   *     job belongs to another schedule
   */
  public FireRequest {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(expectedNextFire, "expectedNextFire");
    jobs = List.copyOf(Objects.requireNonNull(jobs, "jobs"));
    if (newNextFire != null && !newNextFire.isAfter(expectedNextFire)) {
      throw new ValidationException(
          "newNextFire", "be after expectedNextFire (" + expectedNextFire + ")", newNextFire);
    }
    for (Job j : jobs) {
      if (!scheduleId.equals(j.scheduleId())) {
        throw new ValidationException(
            "jobs", "all belong to schedule " + scheduleId, "a job of " + j.scheduleId());
      }
    }
  }
}
