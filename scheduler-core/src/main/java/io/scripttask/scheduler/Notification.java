package io.scripttask.scheduler;

import java.util.Map;
import java.util.Objects;

/**
 * A message for people, sent through a {@link io.scripttask.scheduler.spi.Notifier} channel.
 *
 * @param channel the channel's name (a {@link NotificationRule#channel()})
 * @param severity how urgent it is
 * @param subject a one-line summary
 * @param body the text
 * @param fields structured details (schedule, job, node ids, exit code, ...), never secrets
 */
public record Notification(
    String channel, Severity severity, String subject, String body, Map<String, String> fields) {

  /** How urgent a notification is. */
  public enum Severity {
    /** For the record. */
    INFO,
    /** Someone should look. */
    WARNING,
    /** Someone must act. */
    CRITICAL
  }

  /**
   * Checks and copies the fields.
   *
   * @throws NullPointerException if a field is null
   * @throws ValidationException if the channel is blank
   */
  public Notification {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(body, "body");
    fields = Map.copyOf(Objects.requireNonNull(fields, "fields"));
    if (channel.isBlank()) {
      throw new ValidationException("channel", "not be blank", "\"" + channel + "\"");
    }
  }
}
