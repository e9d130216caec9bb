package io.scripttask.scheduler;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When a schedule fires. A closed set of immutable, thread-safe values, each with a {@link ZoneId}:
 *
 * <ul>
 *   <li>{@link CronTrigger}: a cron expression ({@link #cron(String, ZoneId)});
 *   <li>{@link OnceTrigger}: one instant ({@link #once(Instant, ZoneId)});
 *   <li>{@link DailyTrigger}, {@link WeeklyTrigger}, {@link MonthlyTrigger}: a local time of day on
 *       every day, on chosen days of the week, or on one day of the month (the recurrence types
 *       DeployX users know as {@code daily}, {@code weekly} with {@code days_of_week} and {@code
 *       monthly} with {@code day_of_month});
 *   <li>{@link IntervalTrigger}: a fixed elapsed interval from an anchor instant ({@link
 *       #every(Duration, Instant, ZoneId)});
 *   <li>{@link AfterCompletionTrigger}: after each run of another schedule on a node completes
 *       ({@link #afterCompletionOf(String)}); it has no clock-based fires.
 * </ul>
 *
 * <p>Daylight saving: daily, weekly and monthly triggers are fixed-time schedules and behave
 * exactly as a fixed-hour cron expression does: a fire time inside a spring-forward gap runs once
 * at the first instant after the gap (unless the trigger's {@link DstPolicy} is {@link
 * DstPolicy#SKIP}), and a fire time repeated by a fall-back overlap runs once, at its first
 * occurrence. Once and interval triggers are instants and elapsed time, untouched by daylight
 * saving.
 *
 * <p>Every fire time is computed from the time passed in; no trigger reads a clock.
 */
public sealed interface Trigger
    permits CronTrigger,
        OnceTrigger,
        DailyTrigger,
        WeeklyTrigger,
        MonthlyTrigger,
        IntervalTrigger,
        AfterCompletionTrigger {

  /**
   * Returns the zone the trigger's local times are in; fire times are returned in this zone.
   *
   * @return the zone
   */
  ZoneId zone();

  /**
   * Returns the first fire strictly after {@code after}.
   *
   * @param after the time to search from, exclusive; any zone (only its instant counts)
   * @return the next fire time in {@link #zone()}, or empty if the trigger never fires again
   * @throws NullPointerException if {@code after} is null
   */
  Optional<ZonedDateTime> next(ZonedDateTime after);

  /**
   * Returns the first fire strictly after the instant {@code after}.
   *
   * @param after the instant to search from, exclusive
   * @return the next fire instant, or empty if the trigger never fires again
   * @throws NullPointerException if {@code after} is null
   */
  default Optional<Instant> next(Instant after) {
    Objects.requireNonNull(after, "after");
    return next(after.atZone(zone())).map(ZonedDateTime::toInstant);
  }

  /**
   * Returns up to {@code count} consecutive fires strictly after {@code after}, earliest first;
   * fewer if the trigger stops firing.
   *
   * @param after the time to search from, exclusive; any zone
   * @param count how many fires to return, at least 0
   * @return the fire times in {@link #zone()}, an unmodifiable list
   * @throws NullPointerException if {@code after} is null
   * @throws ValidationException if {@code count} is negative
   */
  default List<ZonedDateTime> next(ZonedDateTime after, int count) {
    Objects.requireNonNull(after, "after");
    if (count < 0) {
      throw new ValidationException("count", "be at least 0", count);
    }
    List<ZonedDateTime> fires = new ArrayList<>(Math.min(count, 1024));
    ZonedDateTime from = after;
    for (int i = 0; i < count; i++) {
      Optional<ZonedDateTime> fire = next(from);
      if (fire.isEmpty()) {
        break;
      }
      fires.add(fire.get());
      from = fire.get();
    }
    return Collections.unmodifiableList(fires);
  }

  /**
   * Describes the trigger for people, for example {@code "every day at 02:00 (Europe/Berlin)"}.
   * Cron triggers use {@link Cron#describe(Locale)}; the other kinds are described in English
   * whatever the locale.
   *
   * @param locale the preferred language
   * @return the description
   * @throws NullPointerException if {@code locale} is null
   */
  String describe(Locale locale);

  /**
   * Creates a trigger that fires on a cron expression in {@code zone}; the dialect is chosen by the
   * number of fields as {@link Cron#parse(String)} does.
   *
   * @param expression the cron expression
   * @param zone the zone the expression's fields are read in
   * @return the trigger
   * @throws NullPointerException if an argument is null
   * @throws InvalidCronExpressionException if {@code expression} is not a valid cron expression
   */
  static CronTrigger cron(String expression, ZoneId zone) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
    return new CronTrigger(Cron.parse(expression), zone);
  }

  /**
   * Creates a trigger that fires on a parsed cron expression in {@code zone}.
   *
   * @param cron the cron expression
   * @param zone the zone the expression's fields are read in
   * @return the trigger
   * @throws NullPointerException if an argument is null
   */
  static CronTrigger cron(Cron cron, ZoneId zone) {
    return new CronTrigger(cron, zone);
  }

  /**
   * Creates a trigger that fires once, at {@code at}.
   *
   * @param at the instant to fire at
   * @param zone the zone fire times are returned in
   * @return the trigger
   * @throws NullPointerException if an argument is null
   */
  static OnceTrigger once(Instant at, ZoneId zone) {
    return new OnceTrigger(at, zone);
  }

  /**
   * Creates a trigger that fires once, at the instant of {@code at}, in {@code at}'s zone.
   *
   * @param at the time to fire at
   * @return the trigger
   * @throws NullPointerException if {@code at} is null
   */
  static OnceTrigger once(ZonedDateTime at) {
    Objects.requireNonNull(at, "at");
    return new OnceTrigger(at.toInstant(), at.getZone());
  }

  /**
   * Creates a trigger that fires every day at local time {@code at}, with the default {@link
   * DstPolicy}.
   *
   * @param at the local time of day, whole seconds
   * @param zone the zone of {@code at}
   * @return the trigger
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code at} has a fraction of a second
   */
  static DailyTrigger daily(LocalTime at, ZoneId zone) {
    return new DailyTrigger(at, zone);
  }

  /**
   * Creates a trigger that fires at local time {@code at} on each of {@code days}, with the default
   * {@link DstPolicy}.
   *
   * @param days the days of the week, at least one; see {@link WeeklyTrigger#daysFromMondayZero}
   *     for the DeployX {@code days_of_week} numbers
   * @param at the local time of day, whole seconds
   * @param zone the zone of {@code at}
   * @return the trigger
   * @throws NullPointerException if an argument or a day is null
   * @throws ValidationException if {@code days} is empty or {@code at} has a fraction of a second
   */
  static WeeklyTrigger weekly(Set<DayOfWeek> days, LocalTime at, ZoneId zone) {
    return new WeeklyTrigger(days, at, zone);
  }

  /**
   * Creates a trigger that fires at local time {@code at} on day {@code dayOfMonth} of every month,
   * or on the month's last day when the month is shorter (see {@link MonthlyTrigger}), with the
   * default {@link DstPolicy}.
   *
   * @param dayOfMonth the day of the month, 1-31
   * @param at the local time of day, whole seconds
   * @param zone the zone of {@code at}
   * @return the trigger
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code dayOfMonth} is not 1-31 or {@code at} has a fraction of a
   *     second
   */
  static MonthlyTrigger monthly(int dayOfMonth, LocalTime at, ZoneId zone) {
    return new MonthlyTrigger(dayOfMonth, at, zone);
  }

  /**
   * Creates a trigger that fires at {@code anchor} and every {@code interval} of elapsed time after
   * it.
   *
   * @param interval the time between fires: whole seconds, at least one second
   * @param anchor the first fire
   * @param zone the zone fire times are returned in
   * @return the trigger
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code interval} is not positive, shorter than one second or not
   *     whole seconds
   */
  static IntervalTrigger every(Duration interval, Instant anchor, ZoneId zone) {
    return new IntervalTrigger(interval, anchor, zone);
  }

  /**
   * Creates a trigger that fires on a node each time a job of schedule {@code scheduleId} succeeds
   * there (its last attempt), with no delay, in {@link ScheduleSpec#DEFAULT_ZONE}; see {@link
   * AfterCompletionTrigger} for the chain semantics.
   *
   * @param scheduleId the id of the upstream schedule
   * @return the trigger
   * @throws NullPointerException if {@code scheduleId} is null
   * @throws ValidationException if {@code scheduleId} is blank
   */
  static AfterCompletionTrigger afterCompletionOf(String scheduleId) {
    return afterCompletionOf(scheduleId, ScheduleSpec.DEFAULT_ZONE);
  }

  /**
   * Creates a trigger that fires on a node each time a job of schedule {@code scheduleId} succeeds
   * there (its last attempt), with no delay.
   *
   * @param scheduleId the id of the upstream schedule
   * @param zone the zone fire times are returned in
   * @return the trigger
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code scheduleId} is blank
   */
  static AfterCompletionTrigger afterCompletionOf(String scheduleId, ZoneId zone) {
    return new AfterCompletionTrigger(
        scheduleId, AfterCompletionTrigger.DEFAULT_OUTCOMES, Duration.ZERO, zone);
  }

  /**
   * Creates a trigger that fires on a node each time a job of schedule {@code scheduleId} finishes
   * there for good (its last attempt) with one of {@code outcomes}, {@code delay} later.
   *
   * @param scheduleId the id of the upstream schedule
   * @param outcomes the final upstream statuses that fire it: a non-empty subset of {@link
   *     AfterCompletionTrigger#ALLOWED_OUTCOMES} (SUCCEEDED, FAILED, TIMED_OUT)
   * @param delay how long after the upstream job finished the downstream job is due, zero or more
   * @param zone the zone fire times are returned in
   * @return the trigger
   * @throws NullPointerException if an argument or an outcome is null
   * @throws ValidationException if {@code scheduleId} is blank, {@code outcomes} is empty or holds
   *     another status, or {@code delay} is negative
   */
  static AfterCompletionTrigger afterCompletionOf(
      String scheduleId, Set<JobStatus> outcomes, Duration delay, ZoneId zone) {
    return new AfterCompletionTrigger(scheduleId, outcomes, delay, zone);
  }
}
