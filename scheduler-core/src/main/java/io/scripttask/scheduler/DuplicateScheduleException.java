package io.scripttask.scheduler;

import java.util.Objects;

/** Thrown when a schedule is created with an id that a stored schedule already has. */
public class DuplicateScheduleException extends SchedulerException {
  private static final long serialVersionUID = 1L;

  private final String scheduleId;

  /**
   * Creates the exception.
   *
   * @param scheduleId the id that is taken
   * @throws NullPointerException if {@code scheduleId} is null
   */
  public DuplicateScheduleException(String scheduleId) {
    super(
        "schedule id must be unique, but was \""
            + Objects.requireNonNull(scheduleId, "scheduleId")
            + "\", which exists");
    this.scheduleId = scheduleId;
  }

  /**
   * @return the id that is taken
   */
  public String scheduleId() {
    return scheduleId;
  }
}
