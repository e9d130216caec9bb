package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.time.Durations;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A trigger that fires at {@link #anchor()} and then every {@link #interval()} of elapsed time: at
 * {@code anchor + k * interval} for every integer {@code k >= 0}. It never fires before the anchor.
 * Daylight saving does not affect it (an hourly interval fires every 3600 seconds, also across a
 * transition); {@link #zone()} only chooses the zone fire times are returned in.
 *
 * <p>{@link #next(Instant)} is constant time, whatever the distance from the anchor, and returns
 * empty instead of overflowing past {@link Instant#MAX}.
 *
 * @param interval the time between fires: whole seconds, at least one second
 * @param anchor the first fire
 * @param zone the zone fire times are returned in
 */
public record IntervalTrigger(Duration interval, Instant anchor, ZoneId zone) implements Trigger {

  /**
   * Creates the trigger.
   *
   * @param interval the time between fires: whole seconds, at least one second
   * @param anchor the first fire
   * @param zone the zone fire times are returned in
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code interval} is not positive, shorter than one second or not
   *     whole seconds
   */
  public IntervalTrigger {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(zone, "zone");
    if (interval.isZero() || interval.isNegative()) {
      throw new ValidationException("interval", "be positive", interval);
    }
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ValidationException("interval", "be at least 1 second", interval);
    }
    if (interval.getNano() != 0) {
      throw new ValidationException("interval", "be whole seconds", interval);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code after} is null
   */
  @Override
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    Objects.requireNonNull(after, "after");
    Optional<Instant> next = next(after.toInstant());
    if (next.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(next.get().atZone(zone));
    } catch (DateTimeException outsideLocalRange) {
      return Optional.empty();
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code after} is null
   */
  @Override
  public Optional<Instant> next(Instant after) {
    Objects.requireNonNull(after, "after");
    if (after.isBefore(anchor)) {
      return Optional.of(anchor);
    }
    // whole seconds elapsed since the anchor, rounded down; cannot overflow, as both epoch
    // seconds lie within +-3.2e16
    long elapsed = after.getEpochSecond() - anchor.getEpochSecond();
    if (after.getNano() < anchor.getNano()) {
      elapsed--;
    }
    long step = interval.getSeconds();
    // the interval is whole seconds, so a fraction of a second elapsed never reaches the next fire
    long k = elapsed / step + 1;
    try {
      long offset = Math.multiplyExact(k, step);
      long seconds = Math.addExact(anchor.getEpochSecond(), offset);
      return Optional.of(Instant.ofEpochSecond(seconds, anchor.getNano()));
    } catch (ArithmeticException | DateTimeException beyondInstantMax) {
      return Optional.empty();
    }
  }

  /**
   * Describes the trigger, for example {@code "every 1 hour 30 minutes from
   * 2025-01-01T00:00Z[UTC]"}.
   *
   * @throws NullPointerException if {@code locale} is null
   */
  @Override
  public String describe(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    String from;
    try {
      from = anchor.atZone(zone).toString();
    } catch (DateTimeException outsideLocalRange) {
      from = anchor + " (" + zone.getId() + ")";
    }
    return "every " + Durations.describe(interval) + " from " + from;
  }
}
