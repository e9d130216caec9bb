package io.scripttask.scheduler;

import io.scripttask.scheduler.internal.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A run-after-completion trigger (a dependency chain, "run script B only after script A
 * completes"): the schedule fires on a node each time a job of the upstream schedule {@link
 * #scheduleId()} finishes there for good (its last attempt, after retries) with one of the {@link
 * #outcomes()}, {@link #delay()} after that job finished. It has no clock-based fires: {@link
 * #next(ZonedDateTime)} is always empty, so such a schedule has no next fire time, is never due by
 * time, is not previewed and has no missed fires.
 *
 * <p>Semantics the engine keeps:
 *
 * <ul>
 *   <li><b>Same node.</b> The downstream job runs on the node where the upstream job ran, and only
 *       if the downstream schedule's target still includes that node; otherwise no job is created.
 *       A chain is per node: "A succeeded on n1" never starts B on n2.
 *   <li><b>Exactly once.</b> The job's fire key is (downstream schedule, upstream finish + delay,
 *       node), inserted through the store's unique fire key: one upstream completion creates at
 *       most one downstream job, whichever instance records it. The job is {@link
 *       TriggeredBy.Kind#DEPENDENCY}, its actor the upstream job's id.
 *   <li><b>A normal job.</b> The created job carries the downstream schedule's priority, jitter
 *       (from its fire key), retry, limits, windows, overlap policy and {@code dependsOn}, like any
 *       fire.
 *   <li><b>Only active schedules fire.</b> A paused downstream schedule creates no job; resuming it
 *       does not catch up completions that happened while it was paused.
 *   <li><b>Chains.</b> The created job's own completion fires the schedules after it, so {@code A
 *       -> B -> C} runs transitively. Cycles of after-completion triggers and {@link
 *       ScheduleSpec#dependsOn()} are rejected when a schedule is created or updated, as is an
 *       upstream id that names no schedule.
 *   <li><b>Deleted upstream.</b> Deleting the upstream schedule is allowed; the downstream schedule
 *       then stays dormant (it never fires) until it is updated to another upstream, or until a
 *       schedule with the upstream id is created again.
 * </ul>
 *
 * @param scheduleId the id of the upstream schedule
 * @param outcomes the final job statuses of the upstream that fire this trigger: a non-empty subset
 *     of {@link JobStatus#SUCCEEDED}, {@link JobStatus#FAILED} and {@link JobStatus#TIMED_OUT}
 * @param delay how long after the upstream job finished the downstream job is due, zero or more
 * @param zone the zone fire times are returned in
 */
public record AfterCompletionTrigger(
    String scheduleId, Set<JobStatus> outcomes, Duration delay, ZoneId zone) implements Trigger {

  /** The upstream outcomes that fire the trigger unless told otherwise: success only. */
  public static final Set<JobStatus> DEFAULT_OUTCOMES =
      Collections.unmodifiableSet(EnumSet.of(JobStatus.SUCCEEDED));

  /** The upstream outcomes a trigger may fire on. */
  public static final Set<JobStatus> ALLOWED_OUTCOMES =
      Collections.unmodifiableSet(
          EnumSet.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.TIMED_OUT));

  /**
   * Creates the trigger.
   *
   * @param scheduleId the id of the upstream schedule
   * @param outcomes the final upstream statuses that fire it: a non-empty subset of {@link
   *     #ALLOWED_OUTCOMES}
   * @param delay how long after the upstream job finished the downstream job is due
   * @param zone the zone fire times are returned in
   * @throws NullPointerException if an argument or an outcome is null
   * @throws ValidationException if {@code scheduleId} is blank, {@code outcomes} is empty or holds
   *     a status outside {@link #ALLOWED_OUTCOMES}, or {@code delay} is negative
   */
  public AfterCompletionTrigger {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(outcomes, "outcomes");
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(zone, "zone");
    if (scheduleId.isBlank()) {
      throw new ValidationException("scheduleId", "not be blank", "\"" + scheduleId + "\"");
    }
    EnumSet<JobStatus> copy = EnumSet.noneOf(JobStatus.class);
    for (JobStatus status : outcomes) {
      copy.add(Objects.requireNonNull(status, "outcomes"));
    }
    if (copy.isEmpty()) {
      throw new ValidationException(
          "outcomes", "name at least one of " + ALLOWED_OUTCOMES, outcomes);
    }
    if (!ALLOWED_OUTCOMES.containsAll(copy)) {
      throw new ValidationException("outcomes", "be a subset of " + ALLOWED_OUTCOMES, copy);
    }
    if (delay.isNegative()) {
      throw new ValidationException("delay", "not be negative", delay);
    }
    outcomes = Collections.unmodifiableSet(copy);
  }

  /**
   * Returns a copy that fires on the given upstream outcomes instead.
   *
   * @param statuses the final upstream statuses that fire it
   * @return the changed trigger
   * @throws NullPointerException if {@code statuses} or a status is null
   * @throws ValidationException if {@code statuses} is empty or holds a status outside {@link
   *     #ALLOWED_OUTCOMES}
   */
  public AfterCompletionTrigger on(JobStatus... statuses) {
    Objects.requireNonNull(statuses, "statuses");
    return new AfterCompletionTrigger(scheduleId, Set.copyOf(Arrays.asList(statuses)), delay, zone);
  }

  /**
   * Returns a copy whose downstream jobs are due {@code newDelay} after the upstream job finished.
   *
   * @param newDelay the delay, zero or more
   * @return the changed trigger
   * @throws NullPointerException if {@code newDelay} is null
   * @throws ValidationException if {@code newDelay} is negative
   */
  public AfterCompletionTrigger delayedBy(Duration newDelay) {
    return new AfterCompletionTrigger(scheduleId, outcomes, newDelay, zone);
  }

  /**
   * Returns a copy in another zone.
   *
   * @param newZone the zone
   * @return the changed trigger
   * @throws NullPointerException if {@code newZone} is null
   */
  public AfterCompletionTrigger inZone(ZoneId newZone) {
    return new AfterCompletionTrigger(scheduleId, outcomes, delay, newZone);
  }

  /**
   * Whether an upstream job that finished for good with {@code status} fires this trigger.
   *
   * @param status the upstream job's final status
   * @return whether it is one of {@link #outcomes()}
   * @throws NullPointerException if {@code status} is null
   */
  public boolean firesOn(JobStatus status) {
    return outcomes.contains(Objects.requireNonNull(status, "status"));
  }

  /**
   * Always empty: the trigger fires on upstream completions, not on the clock.
   *
   * @throws NullPointerException if {@code after} is null
   */
  @Override
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    Objects.requireNonNull(after, "after");
    return Optional.empty();
  }

  /**
   * Always empty: the trigger fires on upstream completions, not on the clock.
   *
   * @throws NullPointerException if {@code after} is null
   */
  @Override
  public Optional<Instant> next(Instant after) {
    Objects.requireNonNull(after, "after");
    return Optional.empty();
  }

  /**
   * Describes the trigger, for example {@code "after each run of backup that succeeds or fails, 5
   * minutes later, on the same node (UTC)"}; in English whatever the locale.
   *
   * @throws NullPointerException if {@code locale} is null
   */
  @Override
  public String describe(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    StringJoiner how = new StringJoiner(" or ");
    if (outcomes.contains(JobStatus.SUCCEEDED)) {
      how.add("succeeds");
    }
    if (outcomes.contains(JobStatus.FAILED)) {
      how.add("fails");
    }
    if (outcomes.contains(JobStatus.TIMED_OUT)) {
      how.add("times out");
    }
    String later = delay.isZero() ? "" : ", " + Durations.describe(delay) + " later";
    return "after each run of "
        + scheduleId
        + " that "
        + how
        + later
        + ", on the same node ("
        + zone.getId()
        + ")";
  }
}
