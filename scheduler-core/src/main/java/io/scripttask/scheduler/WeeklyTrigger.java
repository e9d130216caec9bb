package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.time.LocalFireTimes;
import io.scripttask.scheduler.internal.time.TimeChecks;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A trigger that fires at a local time on chosen days of the week (DeployX's {@code weekly} with
 * {@code days_of_week} and {@code time}).
 *
 * <p>Days are {@link DayOfWeek} values. DeployX numbers {@code days_of_week} 0-6 with <b>0 =
 * Monday</b> and 6 = Sunday (Python's and APScheduler's convention, unlike cron, where 0 is
 * Sunday); {@link #daysFromMondayZero(int...)} converts those numbers, so DeployX's {@code [0, 2,
 * 4]} is Monday, Wednesday and Friday.
 *
 * <p>It behaves exactly as the cron expression {@code "s m h * * DAYS"} (Spring dialect) with the
 * same {@link DstPolicy}: see {@link DailyTrigger} for the daylight-saving rules.
 *
 * @param days the days of the week, at least one; an unmodifiable copy, iterated Monday first
 * @param at the local time of day, whole seconds
 * @param zone the zone of {@code at}
 * @param dstPolicy what a fire inside a spring-forward gap does
 */
public record WeeklyTrigger(Set<DayOfWeek> days, LocalTime at, ZoneId zone, DstPolicy dstPolicy)
    implements Trigger {

  /**
   * Creates the trigger.
   *
   * @param days the days of the week, at least one
   * @param at the local time of day, whole seconds
   * @param zone the zone of {@code at}
   * @param dstPolicy what a fire inside a spring-forward gap does
   * @throws NullPointerException if an argument or a day is null
   * @throws ValidationException if {@code days} is empty or {@code at} has a fraction of a second
   */
  public WeeklyTrigger {
    Objects.requireNonNull(days, "days");
    for (DayOfWeek day : days) {
      Objects.requireNonNull(day, "days");
    }
    if (days.isEmpty()) {
      throw new ValidationException("days", "not be empty", days);
    }
    days = Collections.unmodifiableSet(EnumSet.copyOf(days));
    TimeChecks.requireWholeSeconds("at", at);
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(dstPolicy, "dstPolicy");
  }

  /**
   * Creates the trigger with {@link DstPolicy#DEFAULT}.
   *
   * @param days the days of the week, at least one
   * @param at the local time of day, whole seconds
   * @param zone the zone of {@code at}
   * @throws NullPointerException if an argument or a day is null
   * @throws ValidationException if {@code days} is empty or {@code at} has a fraction of a second
   */
  public WeeklyTrigger(Set<DayOfWeek> days, LocalTime at, ZoneId zone) {
    this(days, at, zone, DstPolicy.DEFAULT);
  }

  /**
   * Converts DeployX {@code days_of_week} numbers, 0 = Monday through 6 = Sunday, to days of the
   * week. Duplicates are allowed and collapse.
   *
   * @param days the day numbers, each 0-6
   * @return the days, an unmodifiable set iterated Monday first
   * @throws NullPointerException if {@code days} is null
   * @throws ValidationException if a number is not 0-6
   */
  public static Set<DayOfWeek> daysFromMondayZero(int... days) {
    Objects.requireNonNull(days, "days");
    EnumSet<DayOfWeek> result = EnumSet.noneOf(DayOfWeek.class);
    for (int day : days) {
      if (day < 0 || day > 6) {
        throw new ValidationException("days_of_week", "be 0-6 (0 = Monday, 6 = Sunday)", day);
      }
      result.add(DayOfWeek.of(day + 1));
    }
    return Collections.unmodifiableSet(result);
  }

  /**
   * Returns a copy with another spring-forward gap policy.
   *
   * @param policy the policy
   * @return the copy
   * @throws NullPointerException if {@code policy} is null
   */
  public WeeklyTrigger withDstPolicy(DstPolicy policy) {
    return new WeeklyTrigger(days, at, zone, policy);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code after} is null
   */
  @Override
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    Objects.requireNonNull(after, "after");
    return LocalFireTimes.nextOnDays(after, days, at, zone, dstPolicy);
  }

  /**
   * Describes the trigger, for example {@code "every Monday, Wednesday and Friday at 02:00
   * (Europe/Berlin)"}.
   *
   * @throws NullPointerException if {@code locale} is null
   */
  @Override
  public String describe(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    List<String> names = new ArrayList<>();
    for (DayOfWeek day : days) {
      names.add(day.getDisplayName(TextStyle.FULL, Locale.ENGLISH));
    }
    String list =
        names.size() == 1
            ? names.get(0)
            : String.join(", ", names.subList(0, names.size() - 1))
                + " and "
                + names.get(names.size() - 1);
    return "every " + list + " at " + at + " (" + zone.getId() + ")";
  }
}
