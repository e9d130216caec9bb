package io.scripttask.remediation.testkit;

import io.scripttask.remediation.RemediationEngine;
import io.scripttask.remediation.WorkflowExecution;
import io.scripttask.scheduler.testkit.MutableClock;
import io.scripttask.scheduler.testkit.ScriptedTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Drives a {@link RemediationEngine} that was not started, under virtual time: it moves a {@link
 * MutableClock} from one interesting instant to the next (a step's backoff, a delay's end, an
 * approval's expiry, a probe, a lease renewal, the end of a {@link ScriptedTransport} run), ending
 * runs and running the engine's pass synchronously at each. Build the engine on the same clock and
 * transports, with {@code eventExecutor(Runnable::run)} so events arrive before each step returns.
 * Not thread-safe.
 */
public final class RemediationDriver {

  /** The most passes one call takes before it reports a loop. */
  public static final int MAX_STEPS = 100_000;

  private final RemediationEngine engine;
  private final MutableClock clock;
  private final List<ScriptedTransport> transports;

  /**
   * @param engine an engine built on {@code clock} and {@code transports}, not started
   * @param clock the virtual clock
   * @param transports the scripted transports
   */
  public RemediationDriver(
      RemediationEngine engine, MutableClock clock, ScriptedTransport... transports) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.transports = List.of(transports);
  }

  /**
   * @return the virtual time
   */
  public Instant now() {
    return clock.instant();
  }

  /**
   * Runs everything due now without moving the clock.
   *
   * @return the next interesting instant after now, or empty
   */
  public Optional<Instant> runDueWork() {
    Instant now = clock.instant();
    for (int i = 0; i < MAX_STEPS; i++) {
      for (ScriptedTransport t : transports) {
        t.completeDue(now);
      }
      Optional<Instant> next = engine.runDueWork();
      Instant t = next.orElse(null);
      boolean dueNow = false;
      for (ScriptedTransport tr : transports) {
        Optional<Instant> c = tr.nextCompletion();
        if (c.isPresent()) {
          if (!c.get().isAfter(now)) {
            dueNow = true;
          }
          if (t == null || c.get().isBefore(t)) {
            t = c.get();
          }
        }
      }
      if (dueNow || (t != null && !t.isAfter(now))) {
        continue;
      }
      return Optional.ofNullable(t);
    }
    throw new IllegalStateException("no progress after " + MAX_STEPS + " passes at " + now);
  }

  /**
   * Moves virtual time to {@code target}, stopping at every interesting instant on the way.
   *
   * @param target the time to reach, not before now
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
   * Moves virtual time forward by {@code amount}.
   *
   * @param amount how far
   */
  public void advance(Duration amount) {
    advanceTo(clock.instant().plus(Objects.requireNonNull(amount, "amount")));
  }

  /**
   * Moves virtual time forward until the execution is no longer active (final, and its escalation
   * over) or {@code limit} has passed.
   *
   * @param executionId the execution
   * @param limit the most virtual time to spend
   * @return the execution as stored then
   */
  public WorkflowExecution runUntilDone(String executionId, Duration limit) {
    Instant end = clock.instant().plus(limit);
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<Instant> next = runDueWork();
      WorkflowExecution e = engine.execution(executionId).orElseThrow();
      if (!e.isActive() || next.isEmpty() || next.get().isAfter(end)) {
        return e;
      }
      clock.set(next.get());
    }
    throw new IllegalStateException("more than " + MAX_STEPS + " steps for " + executionId);
  }

  /**
   * Moves virtual time forward until the execution reaches a final status (its escalation may go
   * on) or {@code limit} has passed.
   *
   * @param executionId the execution
   * @param limit the most virtual time to spend
   * @return the execution as stored then
   */
  public WorkflowExecution runUntilFinal(String executionId, Duration limit) {
    Instant end = clock.instant().plus(limit);
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<Instant> next = runDueWork();
      WorkflowExecution e = engine.execution(executionId).orElseThrow();
      if (e.status().isFinal() || next.isEmpty() || next.get().isAfter(end)) {
        return e;
      }
      clock.set(next.get());
    }
    throw new IllegalStateException("more than " + MAX_STEPS + " steps for " + executionId);
  }
}
