package io.scripttask.scheduler.internal.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Wording of durations for human descriptions ({@code "1 hour 30 minutes"}). */
public final class Durations {

  private Durations() {}

  /**
   * Describes a non-negative duration in English with days, hours, minutes, seconds and, when
   * present, milliseconds and nanoseconds, for example {@code "1 day 2 hours"} or {@code "90
   * seconds"} is written {@code "1 minute 30 seconds"}.
   *
   * @param duration the duration
   * @return the English description; {@code "0 seconds"} for zero
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public static String describe(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, but was " + duration);
    }
    if (duration.isZero()) {
      return "0 seconds";
    }
    List<String> parts = new ArrayList<>();
    add(parts, duration.toDaysPart(), "day");
    add(parts, duration.toHoursPart(), "hour");
    add(parts, duration.toMinutesPart(), "minute");
    add(parts, duration.toSecondsPart(), "second");
    int nanos = duration.toNanosPart();
    if (nanos % 1_000_000 == 0) {
      add(parts, nanos / 1_000_000, "millisecond");
    } else {
      add(parts, nanos, "nanosecond");
    }
    return String.join(" ", parts);
  }

  private static void add(List<String> parts, long amount, String unit) {
    if (amount != 0) {
      parts.add(amount + " " + unit + (amount == 1 ? "" : "s"));
    }
  }
}
