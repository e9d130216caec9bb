package io.scripttask.scheduler;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A trigger that fires on a cron expression read in a zone. Fire times, including what happens at
 * daylight-saving transitions, are exactly those of {@link Cron#next(ZonedDateTime)} evaluated in
 * {@link #zone()}; the gap policy is the cron's own ({@link Cron#withDstPolicy(DstPolicy)}).
 *
 * @param cron the cron expression
 * @param zone the zone the expression's fields are read in
 */
public record CronTrigger(Cron cron, ZoneId zone) implements Trigger {

  /**
   * Creates the trigger.
   *
   * @param cron the cron expression
   * @param zone the zone the expression's fields are read in
   * @throws NullPointerException if an argument is null
   */
  public CronTrigger {
    Objects.requireNonNull(cron, "cron");
    Objects.requireNonNull(zone, "zone");
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code after} is null
   */
  @Override
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    Objects.requireNonNull(after, "after");
    return cron.next(after.withZoneSameInstant(zone));
  }

  /**
   * Describes the trigger with {@link Cron#describe(Locale)} followed by the zone in parentheses.
   *
   * @throws NullPointerException if {@code locale} is null
   */
  @Override
  public String describe(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    return cron.describe(locale) + " (" + zone.getId() + ")";
  }
}
