package io.scripttask.scheduler.internal.time;

import io.scripttask.scheduler.DstPolicy;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves the local date and time of a fixed-time schedule (daily, weekly, monthly) to the instant
 * it fires, following the library's daylight-saving contract, the same one {@link
 * io.scripttask.scheduler.Cron} keeps for a fixed-hour expression:
 *
 * <ul>
 *   <li>a local time that exists once fires at that time;
 *   <li>a local time repeated by a fall-back overlap fires once, at its first occurrence (the
 *       earlier offset);
 *   <li>a local time inside a spring-forward gap fires once at the first instant after the gap (the
 *       transition instant, 03:00 for a 02:30 fire when clocks jump from 02:00 to 03:00) with
 *       {@link DstPolicy#RUN_AFTER_GAP}, and not at all with {@link DstPolicy#SKIP}.
 * </ul>
 */
public final class LocalFireTimes {

  /**
   * How many consecutive days {@link #nextOnDays} looks at before it gives up; far more than any
   * real schedule needs (a weekly schedule whose only day falls into a skipped gap needs 15).
   */
  static final int MAX_DAYS_SCANNED = 800;

  /** How many consecutive months {@link #nextOnDayOfMonth} looks at before it gives up. */
  static final int MAX_MONTHS_SCANNED = 48;

  private LocalFireTimes() {}

  /**
   * Returns the first fire strictly after {@code after} of a schedule that fires at local {@code
   * time} on every day whose day of week is in {@code days}.
   *
   * @param after the instant to search from, exclusive, in any zone
   * @param days the days of the week the schedule fires on
   * @param time the local time of day
   * @param zone the schedule's zone
   * @param policy the spring-forward gap policy
   * @return the next fire in {@code zone}, or empty when there is none before the end of the
   *     supported date range
   * @throws NullPointerException if an argument is null
   */
  public static Optional<ZonedDateTime> nextOnDays(
      ZonedDateTime after, Set<DayOfWeek> days, LocalTime time, ZoneId zone, DstPolicy policy) {
    Objects.requireNonNull(days, "days");
    Instant from = after.toInstant();
    try {
      // start one day early: a gap spanning midnight can move a fire onto the next local date
      LocalDate date = after.withZoneSameInstant(zone).toLocalDate().minusDays(1);
      for (int i = 0; i < MAX_DAYS_SCANNED; i++, date = date.plusDays(1)) {
        if (!days.contains(date.getDayOfWeek())) {
          continue;
        }
        Optional<ZonedDateTime> fire = resolve(date, time, zone, policy);
        if (fire.isPresent() && fire.get().toInstant().isAfter(from)) {
          return fire;
        }
      }
    } catch (DateTimeException | ArithmeticException endOfTime) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Returns the first fire strictly after {@code after} of a schedule that fires at local {@code
   * time} on day {@code dayOfMonth} of every month, or on the last day of a month that is shorter.
   *
   * @param after the instant to search from, exclusive, in any zone
   * @param dayOfMonth the day of the month, 1-31
   * @param time the local time of day
   * @param zone the schedule's zone
   * @param policy the spring-forward gap policy
   * @return the next fire in {@code zone}, or empty when there is none before the end of the
   *     supported date range
   * @throws NullPointerException if an argument is null
   */
  public static Optional<ZonedDateTime> nextOnDayOfMonth(
      ZonedDateTime after, int dayOfMonth, LocalTime time, ZoneId zone, DstPolicy policy) {
    Instant from = after.toInstant();
    try {
      // start one month early, for the same reason as nextOnDays
      YearMonth month = YearMonth.from(after.withZoneSameInstant(zone)).minusMonths(1);
      for (int i = 0; i < MAX_MONTHS_SCANNED; i++, month = month.plusMonths(1)) {
        LocalDate date = month.atDay(Math.min(dayOfMonth, month.lengthOfMonth()));
        Optional<ZonedDateTime> fire = resolve(date, time, zone, policy);
        if (fire.isPresent() && fire.get().toInstant().isAfter(from)) {
          return fire;
        }
      }
    } catch (DateTimeException | ArithmeticException endOfTime) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Returns the instant a fire at local {@code date} and {@code time} happens in {@code zone}.
   *
   * @param date the local date
   * @param time the local time of day
   * @param zone the zone the local date and time are in
   * @param policy what to do when the local time falls into a spring-forward gap
   * @return the fire time in {@code zone}, or empty when {@code policy} is {@link DstPolicy#SKIP}
   *     and the local time does not exist that day
   * @throws NullPointerException if an argument is null
   */
  public static Optional<ZonedDateTime> resolve(
      LocalDate date, LocalTime time, ZoneId zone, DstPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    LocalDateTime local = LocalDateTime.of(date, time);
    ZoneRules rules = zone.getRules();
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.size() == 1) {
      return Optional.of(ZonedDateTime.ofLocal(local, zone, offsets.get(0)));
    }
    if (offsets.size() > 1) {
      // fall-back overlap: the first occurrence is the one with the offset in force before it
      return Optional.of(ZonedDateTime.ofLocal(local, zone, null).withEarlierOffsetAtOverlap());
    }
    if (policy == DstPolicy.SKIP) {
      return Optional.empty();
    }
    ZoneOffsetTransition gap = rules.getTransition(local);
    return Optional.of(gap.getInstant().atZone(zone));
  }
}
