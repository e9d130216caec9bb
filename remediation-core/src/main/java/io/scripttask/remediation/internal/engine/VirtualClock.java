package io.scripttask.remediation.internal.engine;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** The clock of a dry run: it moves only when the plan runner sets it. Thread-safe. */
public final class VirtualClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  /**
   * @param start the initial instant
   * @param zone the zone
   */
  public VirtualClock(Instant start, ZoneId zone) {
    this(new AtomicReference<>(Objects.requireNonNull(start, "start")), zone);
  }

  private VirtualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /**
   * @param instant the new time
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new VirtualClock(now, zone);
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}
