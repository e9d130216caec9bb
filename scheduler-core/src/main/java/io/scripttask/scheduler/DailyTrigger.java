package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.time.LocalFireTimes;
import io.scripttask.scheduler.internal.time.TimeChecks;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A trigger that fires every day at a local time (DeployX's {@code daily} with its {@code time}).
 *
 * <p>It behaves exactly as the cron expression {@code "s m h * * *"} (Spring dialect) with the same
 * {@link DstPolicy}: a time inside a spring-forward gap fires once at the first instant after the
 * gap (02:30 on the night clocks jump from 02:00 to 03:00 fires at 03:00), or not that day with
 * {@link DstPolicy#SKIP}; a time repeated by a fall-back overlap fires once, at its first
 * occurrence.
 *
 * @param at the local time of day, whole seconds
 * @param zone the zone of {@code at}
 * @param dstPolicy what a fire inside a spring-forward gap does
 */
public record DailyTrigger(LocalTime at, ZoneId zone, DstPolicy dstPolicy) implements Trigger {

  private static final Set<DayOfWeek> EVERY_DAY = EnumSet.allOf(DayOfWeek.class);

  /**
   * Creates the trigger.
   *
   * @param at the local time of day, whole seconds
   * @param zone the zone of {@code at}
   * @param dstPolicy what a fire inside a spring-forward gap does
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code at} has a fraction of a second
   */
  public DailyTrigger {
    TimeChecks.requireWholeSeconds("at", at);
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(dstPolicy, "dstPolicy");
  }

  /**
   * Creates the trigger with {@link DstPolicy#DEFAULT}.
   *
   * @param at the local time of day, whole seconds
   * @param zone the zone of {@code at}
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code at} has a fraction of a second
   */
  public DailyTrigger(LocalTime at, ZoneId zone) {
    this(at, zone, DstPolicy.DEFAULT);
  }

  /**
   * Returns a copy with another spring-forward gap policy.
   *
   * @param policy the policy
   * @return the copy
   * @throws NullPointerException if {@code policy} is null
   */
  public DailyTrigger withDstPolicy(DstPolicy policy) {
    return new DailyTrigger(at, zone, policy);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code after} is null
   */
  @Override
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    Objects.requireNonNull(after, "after");
    return LocalFireTimes.nextOnDays(after, EVERY_DAY, at, zone, dstPolicy);
  }

  /**
   * Describes the trigger, for example {@code "every day at 02:00 (Europe/Berlin)"}.
   *
   * @throws NullPointerException if {@code locale} is null
   */
  @Override
  public String describe(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    return "every day at " + at + " (" + zone.getId() + ")";
  }
}
