package io.scripttask.scheduler.testkit;

import io.scripttask.scheduler.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Drives a {@link Scheduler} that was not started, under virtual time: it moves a {@link
 * MutableClock} from one interesting instant to the next (a fire, a job's due or retry time, a
 * window boundary, the end of a {@link ScriptedTransport} run), ending runs and running the
 * scheduler's pass synchronously at each, like db-scheduler's {@code ManualScheduler}. Build the
 * scheduler with the same clock, the transport, and a direct event executor ({@code Runnable::run})
 * so that events are delivered before each step returns. Not thread-safe.
 */
public final class VirtualTimeDriver {

  /** The most steps one call takes before it reports a loop. */
  public static final int MAX_STEPS = 100_000;

  private final Scheduler scheduler;
  private final MutableClock clock;
  private final ScriptedTransport transport;
  private int steps;

  /**
   * @param scheduler a scheduler built on {@code clock} and {@code transport}, not started
   * @param clock the virtual clock
   * @param transport the scripted transport
   */
  public VirtualTimeDriver(Scheduler scheduler, MutableClock clock, ScriptedTransport transport) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /**
   * @return the virtual time
   */
  public Instant now() {
    return clock.instant();
  }

  /**
   * @return how many steps (passes) the driver has run in all
   */
  public int steps() {
    return steps;
  }

  /**
   * Runs everything due now, without moving the clock: ends due runs and runs passes until nothing
   * more is due now.
   *
   * @return the next interesting instant after now, or empty
   */
  public Optional<Instant> runDueWork() {
    Instant now = clock.instant();
    for (int i = 0; i < MAX_STEPS; i++) {
      transport.completeDue(now);
      Optional<Instant> engineNext = scheduler.runDueWork();
      steps++;
      Optional<Instant> transportNext = transport.nextCompletion();
      if (transportNext.isPresent() && !transportNext.get().isAfter(now)) {
        continue;
      }
      Instant next = null;
      if (engineNext.isPresent()) {
        next = engineNext.get();
      }
      if (transportNext.isPresent() && (next == null || transportNext.get().isBefore(next))) {
        next = transportNext.get();
      }
      return Optional.ofNullable(next);
    }
    throw new IllegalStateException("no progress after " + MAX_STEPS + " passes at " + now);
  }

  /**
   * Moves virtual time to {@code target}, stopping at every interesting instant on the way.
   *
   * @param target the time to reach, not before now
   * @throws IllegalArgumentException if {@code target} is before now
   * @throws IllegalStateException if the scheduler keeps finding work at one instant
   */
  public void advanceTo(Instant target) {
    Objects.requireNonNull(target, "target");
    if (target.isBefore(clock.instant())) {
      throw new IllegalArgumentException(
          "target must not be before now " + clock.instant() + ", but was " + target);
    }
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<Instant> next = runDueWork();
      if (next.isEmpty() || next.get().isAfter(target)) {
        if (clock.instant().isBefore(target)) {
          clock.set(target);
          continue;
        }
        return;
      }
      clock.set(next.get());
    }
    throw new IllegalStateException("more than " + MAX_STEPS + " steps before " + target);
  }

  /**
   * Moves virtual time forward by {@code amount}; see {@link #advanceTo(Instant)}.
   *
   * @param amount how far, not negative
   */
  public void advance(Duration amount) {
    advanceTo(clock.instant().plus(Objects.requireNonNull(amount, "amount")));
  }

  /**
   * Jumps virtual time to {@code target} without stopping on the way, then runs what is due: what a
   * scheduler blocked (or down) for that long sees.
   *
   * @param target the time to jump to
   */
  public void jumpTo(Instant target) {
    clock.set(Objects.requireNonNull(target, "target"));
    runDueWork();
  }
}
