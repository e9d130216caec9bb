package io.scripttask.scheduler.spi;

import io.scripttask.scheduler.FireKey;
import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.Schedule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link SchedulerStore#fire}.
 *
 * @param status what happened
 * @param schedule the schedule after the step (advanced when {@link Status#FIRED}, as stored
 *     otherwise), or {@code null} when {@link Status#NOT_FOUND}
 * @param inserted the jobs inserted, as stored (version 0); empty unless fired
 * @param ignored the fire keys of the given jobs that were not inserted because a job with that key
 *     (or id) already existed
 */
public record FireOutcome(
    Status status, Schedule schedule, List<Job> inserted, List<FireKey> ignored) {

  /** What a fire step did. */
  public enum Status {
    /** This caller fired the schedule: it was advanced and the jobs inserted. */
    FIRED,
    /**
     * The schedule's next fire was no longer the expected one: someone else fired or changed it.
     */
    STALE,
    /**
     * The schedule is not {@link io.scripttask.scheduler.ScheduleState#ACTIVE}; nothing changed.
     */
    NOT_ACTIVE,
    /** No schedule has that id; nothing changed. */
    NOT_FOUND
  }

  /**
   * Copies the lists.
   *
   * @throws NullPointerException if status or a list is null, or schedule is null unless NOT_FOUND
   */
  public FireOutcome {
    Objects.requireNonNull(status, "status");
    if (status != Status.NOT_FOUND) {
      Objects.requireNonNull(schedule, "schedule");
    }
    inserted = List.copyOf(Objects.requireNonNull(inserted, "inserted"));
    ignored = List.copyOf(Objects.requireNonNull(ignored, "ignored"));
  }

  /**
   * @return whether this caller fired the schedule
   */
  public boolean fired() {
    return status == Status.FIRED;
  }

  /**
   * @return the schedule, empty when {@link Status#NOT_FOUND}
   */
  public Optional<Schedule> current() {
    return Optional.ofNullable(schedule);
  }
}
