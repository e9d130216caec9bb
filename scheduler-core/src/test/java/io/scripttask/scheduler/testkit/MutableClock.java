package io.scripttask.scheduler.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A thread-safe {@link Clock} that tests set and advance by hand, so that code under test sees
 * virtual time and tests never sleep. Clocks made with {@link #withZone(ZoneId)} share this clock's
 * instant.
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * Creates a clock.
   *
   * @param start the initial instant
   * @param zone the zone
   * @throws NullPointerException if an argument is null
   */
  public MutableClock(Instant start, ZoneId zone) {
    this(
        new AtomicReference<>(Objects.requireNonNull(start, "start")),
        Objects.requireNonNull(zone, "zone"));
  }

  /**
   * Creates a UTC clock.
   *
   * @param start the initial instant
   * @return the clock
   * @throws NullPointerException if {@code start} is null
   */
  public static MutableClock at(Instant start) {
    return new MutableClock(start, ZoneId.of("UTC"));
  }

  /**
   * Sets the time.
   *
   * @param instant the new instant (may be earlier: tests of clock jumps need it)
   * @throws NullPointerException if {@code instant} is null
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  /**
   * Moves the time forward (or back, for a negative amount), atomically.
   *
   * @param amount how far
   * @return the new instant
   * @throws NullPointerException if {@code amount} is null
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    return now.updateAndGet(t -> t.plus(amount));
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** Returns a clock in another zone that shares (and moves with) this clock's instant. */
  @Override
  public MutableClock withZone(ZoneId newZone) {
    return new MutableClock(now, Objects.requireNonNull(newZone, "zone"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public String toString() {
    return "MutableClock[" + now.get() + ", " + zone + "]";
  }
}
