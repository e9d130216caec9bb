package io.scripttask.scheduler;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored schedule: its {@link ScheduleSpec} plus the live state the scheduler keeps in the store.
 * Immutable; changed copies are made with the {@code with…} methods, and stored through {@link
 * io.scripttask.scheduler.spi.SchedulerStore#update(Schedule, long)}, which compares {@link
 * #version()}.
 *
 * @param id the schedule's id, unique in the store (the scheduler uses the spec's name)
 * @param spec what the schedule is
 * @param state whether it fires
 * @param nextFireTime its next fire, or {@code null} when its trigger will never fire again
 * @param lastFireTime its last fire, or {@code null} if it never fired
 * @param consecutiveFailures how many of its jobs failed in a row
 * @param version the optimistic-concurrency version, set by the store
 * @param createdAt when it was created
 * @param updatedAt when it was last changed
 * @param createdBy who created it (an actor, for audit)
 * @param updatedBy who changed it last
 */
public record Schedule(
    String id,
    ScheduleSpec spec,
    ScheduleState state,
    Instant nextFireTime,
    Instant lastFireTime,
    int consecutiveFailures,
    long version,
    Instant createdAt,
    Instant updatedAt,
    String createdBy,
    String updatedBy) {

  /**
   * Validates the schedule.
   *
   * @throws NullPointerException if a field other than {@code nextFireTime} and {@code
   *     lastFireTime} is null
   * @throws ValidationException if the id is blank or starts with {@link FireKey#AD_HOC_PREFIX},
   *     consecutiveFailures or version is negative, an actor is blank, or updatedAt is before
   *     createdAt
   */
  public Schedule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedBy, "updatedBy");
    if (id.isBlank()) {
      throw new ValidationException("id", "not be blank", "\"" + id + "\"");
    }
    if (id.startsWith(FireKey.AD_HOC_PREFIX)) {
      throw new ValidationException(
          "id", "not start with \"" + FireKey.AD_HOC_PREFIX + "\"", "\"" + id + "\"");
    }
    if (consecutiveFailures < 0) {
      throw new ValidationException("consecutiveFailures", "be at least 0", consecutiveFailures);
    }
    if (version < 0) {
      throw new ValidationException("version", "be at least 0", version);
    }
    if (createdBy.isBlank()) {
      throw new ValidationException("createdBy", "not be blank", "\"" + createdBy + "\"");
    }
    if (updatedBy.isBlank()) {
      throw new ValidationException("updatedBy", "not be blank", "\"" + updatedBy + "\"");
    }
    if (updatedAt.isBefore(createdAt)) {
      throw new ValidationException(
          "updatedAt", "not be before createdAt (" + createdAt + ")", updatedAt);
    }
  }

  /**
   * A new schedule, id = the spec's name, {@link ScheduleState#ACTIVE} if the spec is enabled (else
   * {@link ScheduleState#PAUSED}), never fired, version 0.
   *
   * @param spec the spec
   * @param nextFireTime the first fire, or null if the trigger never fires
   * @param now the creation time
   * @param actor who creates it
   * @return the schedule
   * @throws NullPointerException if spec, now or actor is null
   * @throws ValidationException if {@code actor} is blank
   */
  public static Schedule create(
      ScheduleSpec spec, Instant nextFireTime, Instant now, String actor) {
    Objects.requireNonNull(spec, "spec");
    return new Schedule(
        spec.name(),
        spec,
        spec.enabled() ? ScheduleState.ACTIVE : ScheduleState.PAUSED,
        nextFireTime,
        null,
        0,
        0,
        now,
        now,
        actor,
        actor);
  }

  /**
   * @return the next fire, or empty when the trigger will never fire again
   */
  public Optional<Instant> nextFire() {
    return Optional.ofNullable(nextFireTime);
  }

  /**
   * @return the last fire, or empty if it never fired
   */
  public Optional<Instant> lastFire() {
    return Optional.ofNullable(lastFireTime);
  }

  /**
   * @param newSpec the new spec (its name may differ from the id: the id never changes)
   * @param at when it changed
   * @param actor who changed it
   * @return a changed copy
   * @throws NullPointerException if an argument is null
   */
  public Schedule withSpec(ScheduleSpec newSpec, Instant at, String actor) {
    return new Schedule(
        id,
        newSpec,
        state,
        nextFireTime,
        lastFireTime,
        consecutiveFailures,
        version,
        createdAt,
        at,
        createdBy,
        actor);
  }

  /**
   * @param newState the new state
   * @param at when it changed
   * @param actor who changed it
   * @return a changed copy
   * @throws NullPointerException if an argument is null
   */
  public Schedule withState(ScheduleState newState, Instant at, String actor) {
    return new Schedule(
        id,
        spec,
        newState,
        nextFireTime,
        lastFireTime,
        consecutiveFailures,
        version,
        createdAt,
        at,
        createdBy,
        actor);
  }

  /**
   * @param next the next fire, or null when the trigger will never fire again
   * @return a copy with that next fire
   */
  public Schedule withNextFireTime(Instant next) {
    return new Schedule(
        id,
        spec,
        state,
        next,
        lastFireTime,
        consecutiveFailures,
        version,
        createdAt,
        updatedAt,
        createdBy,
        updatedBy);
  }

  /**
   * @param last the last fire
   * @return a copy with that last fire
   */
  public Schedule withLastFireTime(Instant last) {
    return new Schedule(
        id,
        spec,
        state,
        nextFireTime,
        last,
        consecutiveFailures,
        version,
        createdAt,
        updatedAt,
        createdBy,
        updatedBy);
  }

  /**
   * @param failures failures in a row
   * @return a copy with that count
   * @throws ValidationException if {@code failures} is negative
   */
  public Schedule withConsecutiveFailures(int failures) {
    return new Schedule(
        id,
        spec,
        state,
        nextFireTime,
        lastFireTime,
        failures,
        version,
        createdAt,
        updatedAt,
        createdBy,
        updatedBy);
  }

  /**
   * For stores: a copy with another version.
   *
   * @param newVersion the version
   * @return the copy
   * @throws ValidationException if {@code newVersion} is negative
   */
  public Schedule withVersion(long newVersion) {
    return new Schedule(
        id,
        spec,
        state,
        nextFireTime,
        lastFireTime,
        consecutiveFailures,
        newVersion,
        createdAt,
        updatedAt,
        createdBy,
        updatedBy);
  }
}
