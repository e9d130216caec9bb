package io.scripttask.remediation;

import io.scripttask.scheduler.Notification.Severity;
import io.scripttask.scheduler.ValidationException;
import java.time.Duration;
import java.util.Objects;

/**
 * One tier of an {@link EscalationPolicy}: after {@code delay} (counted from the previous tier, or
 * from the start of the escalation for the first), send {@code message} on the notifier {@code
 * channel} with {@code severity}.
 *
 * @param channel a notifier channel name
 * @param delay the wait before this tier, zero or more
 * @param severity the notification's severity
 * @param message the message (a {@link Template}; also the notification's subject's source)
 */
public record EscalationTier(String channel, Duration delay, Severity severity, Template message) {

  /** The message a tier gets when none is given. */
  public static final Template DEFAULT_MESSAGE =
      Template.of("Escalation: workflow ${workflow.name} on node ${node.id} needs attention");

  /**
   * Validates the tier.
   *
   * @throws NullPointerException if a field is null
   * @throws ValidationException if the channel is blank or the delay negative
   */
  public EscalationTier {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    if (channel.isBlank()) {
      throw new ValidationException("channel", "not be blank", "\"" + channel + "\"");
    }
    if (delay.isNegative()) {
      throw new ValidationException("delay", "not be negative", delay);
    }
  }

  /**
   * @param channel a notifier channel name
   * @param delay the wait before this tier
   * @return a {@link Severity#CRITICAL} tier with the default message
   */
  public static EscalationTier of(String channel, Duration delay) {
    return new EscalationTier(channel, delay, Severity.CRITICAL, DEFAULT_MESSAGE);
  }
}
