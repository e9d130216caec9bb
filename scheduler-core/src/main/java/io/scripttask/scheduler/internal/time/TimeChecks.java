package io.scripttask.scheduler.internal.time;

import io.scripttask.scheduler.ValidationException;
import java.time.LocalTime;
import java.util.Objects;

/** Validation shared by the fixed-time triggers. */
public final class TimeChecks {

  private TimeChecks() {}

  /**
   * Checks that a local time of day has no fraction of a second (fire times, like cron's, are whole
   * seconds).
   *
   * @param field the name of the field, for the message
   * @param time the time to check
   * @return {@code time}
   * @throws NullPointerException if {@code time} is null
   * @throws ValidationException if {@code time} has a fraction of a second
   */
  public static LocalTime requireWholeSeconds(String field, LocalTime time) {
    Objects.requireNonNull(time, field);
    if (time.getNano() != 0) {
      throw new ValidationException(field, "be a whole second", time);
    }
    return time;
  }
}
