package io.scripttask.scheduler;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which events of a schedule are sent to which notifier channel.
 *
 * @param events the events that notify, at least one
 * @param channel the name under which the notifier is registered with the scheduler (a name, never
 *     a URL or other secret)
 */
public record NotificationRule(Set<Event> events, String channel) {

  /** The events of a schedule that can notify. */
  public enum Event {
    /** A job succeeded. */
    JOB_SUCCEEDED,
    /** A job failed (after its last attempt). */
    JOB_FAILED,
    /** A job ran past its timeout (after its last attempt). */
    JOB_TIMED_OUT,
    /** A job was cancelled. */
    JOB_CANCELLED,
    /** A job was skipped. */
    JOB_SKIPPED,
    /** The schedule was paused after too many consecutive failures. */
    SCHEDULE_AUTO_PAUSED,
    /** Fires were missed and handled by the misfire policy. */
    MISFIRE
  }

  /**
   * Validates the rule.
   *
   * @throws NullPointerException if an argument or an event is null
   * @throws ValidationException if {@code events} is empty or {@code channel} is blank
   */
  public NotificationRule {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(channel, "channel");
    for (Event e : events) {
      Objects.requireNonNull(e, "events");
    }
    if (events.isEmpty()) {
      throw new ValidationException("events", "not be empty", events);
    }
    if (channel.isBlank()) {
      throw new ValidationException("channel", "not be blank", "\"" + channel + "\"");
    }
    events = Collections.unmodifiableSet(EnumSet.copyOf(events));
  }

  /**
   * A rule sending {@code events} to {@code channel}.
   *
   * @param channel the notifier channel's name
   * @param events the events, at least one
   * @return the rule
   * @throws NullPointerException if an argument or an event is null
   * @throws ValidationException if no event is given or {@code channel} is blank
   */
  public static NotificationRule on(String channel, Event... events) {
    Objects.requireNonNull(events, "events");
    return new NotificationRule(Set.copyOf(Arrays.asList(events)), channel);
  }

  /**
   * @param event an event
   * @return whether this rule notifies on it
   */
  public boolean matches(Event event) {
    return events.contains(event);
  }
}
