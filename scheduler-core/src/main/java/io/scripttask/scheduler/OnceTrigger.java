package io.scripttask.scheduler;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A trigger that fires once, at an instant (DeployX's {@code once} with its {@code
 * scheduled_time}). {@link #next(ZonedDateTime) next(after)} is {@link #at()} while {@code after}
 * is before it, and empty from {@link #at()} on.
 *
 * @param at the instant to fire at
 * @param zone the zone the fire time is returned in
 */
public record OnceTrigger(Instant at, ZoneId zone) implements Trigger {

  /**
   * Creates the trigger.
   *
   * @param at the instant to fire at
   * @param zone the zone the fire time is returned in
   * @throws NullPointerException if an argument is null
   */
  public OnceTrigger {
    Objects.requireNonNull(at, "at");
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
    return next(after.toInstant()).flatMap(this::inZone);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code after} is null
   */
  @Override
  public Optional<Instant> next(Instant after) {
    Objects.requireNonNull(after, "after");
    return after.isBefore(at) ? Optional.of(at) : Optional.empty();
  }

  /**
   * Describes the trigger, for example {@code "once at 2025-10-26T14:30+01:00[Europe/Berlin]"}.
   *
   * @throws NullPointerException if {@code locale} is null
   */
  @Override
  public String describe(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    return "once at " + inZone(at).map(ZonedDateTime::toString).orElse(at + " (" + zone + ")");
  }

  private Optional<ZonedDateTime> inZone(Instant instant) {
    try {
      return Optional.of(instant.atZone(zone));
    } catch (DateTimeException outsideLocalRange) {
      return Optional.empty();
    }
  }
}
