package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.time.LocalFireTimes;
import io.scripttask.scheduler.internal.time.TimeChecks;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A trigger that fires at a local time on one day of every month (DeployX's {@code monthly} with
 * {@code day_of_month} and {@code time}).
 *
 * <p><b>Short months:</b> when a month has fewer days than {@link #dayOfMonth()}, the trigger fires
 * on that month's last day instead, as calendar applications do; it never skips a month. So {@code
 * monthly(31, 02:00)} fires on January 31, February 28 (29 in a leap year), March 31, April 30 and
 * so on, and {@code monthly(30, ...)} fires on February 28 or 29. (The cron expression {@code "0 0
 * 2 31 * *"} instead skips the months without a 31st.)
 *
 * <p>Daylight saving follows the fixed-time rules of {@link DailyTrigger}: a time inside a
 * spring-forward gap fires once at the first instant after the gap (or not that month with {@link
 * DstPolicy#SKIP}); a time repeated by a fall-back overlap fires once, at its first occurrence.
 *
 * @param dayOfMonth the day of the month, 1-31
 * @param at the local time of day, whole seconds
 * @param zone the zone of {@code at}
 * @param dstPolicy what a fire inside a spring-forward gap does
 */
public record MonthlyTrigger(int dayOfMonth, LocalTime at, ZoneId zone, DstPolicy dstPolicy)
    implements Trigger {

  /**
   * Creates the trigger.
   *
   * @param dayOfMonth the day of the month, 1-31
   * @param at the local time of day, whole seconds
   * @param zone the zone of {@code at}
   * @param dstPolicy what a fire inside a spring-forward gap does
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code dayOfMonth} is not 1-31 or {@code at} has a fraction of a
   *     second
   */
  public MonthlyTrigger {
    if (dayOfMonth < 1 || dayOfMonth > 31) {
      throw new ValidationException("dayOfMonth", "be 1-31", dayOfMonth);
    }
    TimeChecks.requireWholeSeconds("at", at);
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(dstPolicy, "dstPolicy");
  }

  /**
   * Creates the trigger with {@link DstPolicy#DEFAULT}.
   *
   * @param dayOfMonth the day of the month, 1-31
   * @param at the local time of day, whole seconds
   * @param zone the zone of {@code at}
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code dayOfMonth} is not 1-31 or {@code at} has a fraction of a
   *     second
   */
  public MonthlyTrigger(int dayOfMonth, LocalTime at, ZoneId zone) {
    this(dayOfMonth, at, zone, DstPolicy.DEFAULT);
  }

  /**
   * Returns a copy with another spring-forward gap policy.
   *
   * @param policy the policy
   * @return the copy
   * @throws NullPointerException if {@code policy} is null
   */
  public MonthlyTrigger withDstPolicy(DstPolicy policy) {
    return new MonthlyTrigger(dayOfMonth, at, zone, policy);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code after} is null
   */
  @Override
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    Objects.requireNonNull(after, "after");
    return LocalFireTimes.nextOnDayOfMonth(after, dayOfMonth, at, zone, dstPolicy);
  }

  /**
   * Describes the trigger, for example {@code "every month on day 31 (or its last day) at 02:00
   * (UTC)"}.
   *
   * @throws NullPointerException if {@code locale} is null
   */
  @Override
  public String describe(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    String day = dayOfMonth > 28 ? "day " + dayOfMonth + " (or its last day)" : "day " + dayOfMonth;
    return "every month on " + day + " at " + at + " (" + zone.getId() + ")";
  }
}
