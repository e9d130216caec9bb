package io.scripttask.scheduler;

import java.util.Objects;

/**
 * Who or what created a job, for audit.
 *
 * @param kind what kind of originator
 * @param actor who: a user name, a workflow id, an API client id, the schedule id for {@link
 *     Kind#SCHEDULE}, the id of the upstream job whose completion fired it for {@link
 *     Kind#DEPENDENCY}; never a secret
 */
public record TriggeredBy(Kind kind, String actor) {

  /** The kinds of originator. */
  public enum Kind {
    /** The schedule's trigger fired (including misfire catch-ups). */
    SCHEDULE,
    /** A user asked for it ("run now"). */
    USER,
    /** A remediation workflow ran it. */
    WORKFLOW,
    /** A program called the API. */
    API,
    /** A run-after-completion trigger, after the upstream schedule finished. */
    DEPENDENCY
  }

  /**
   * Validates the value.
   *
   * @throws NullPointerException if an argument is null
   * @throws ValidationException if {@code actor} is blank
   */
  public TriggeredBy {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(actor, "actor");
    if (actor.isBlank()) {
      throw new ValidationException("actor", "not be blank", "\"" + actor + "\"");
    }
  }

  /**
   * @param scheduleId the schedule that fired
   * @return a {@link Kind#SCHEDULE} originator
   * @throws NullPointerException if {@code scheduleId} is null
   * @throws ValidationException if {@code scheduleId} is blank
   */
  public static TriggeredBy schedule(String scheduleId) {
    return new TriggeredBy(Kind.SCHEDULE, scheduleId);
  }

  /**
   * @param user the user's name
   * @return a {@link Kind#USER} originator
   * @throws NullPointerException if {@code user} is null
   * @throws ValidationException if {@code user} is blank
   */
  public static TriggeredBy user(String user) {
    return new TriggeredBy(Kind.USER, user);
  }
}
