package io.scripttask.scheduler;

import java.util.Objects;

/** Thrown when an operation names a schedule that the store does not hold. */
public class NoSuchScheduleException extends SchedulerException {
  private static final long serialVersionUID = 1L;

  private final String scheduleId;

  /**
   * Creates the exception.
   *
   * @param scheduleId the id that no schedule has
   * @throws NullPointerException if {@code scheduleId} is null
   */
  public NoSuchScheduleException(String scheduleId) {
    super(
        "scheduleId must name a stored schedule, but was \""
            + Objects.requireNonNull(scheduleId, "scheduleId")
            + "\"");
    this.scheduleId = scheduleId;
  }

  /**
   * @return the id that no schedule has
   */
  public String scheduleId() {
    return scheduleId;
  }
}
