package io.scripttask.remediation;

import io.scripttask.scheduler.Notification.Severity;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Sends an e-mail: a notification on an e-mail notifier channel ({@value #DEFAULT_CHANNEL} unless
 * told otherwise), with the recipients in its fields.
 *
 * @param common the common fields
 * @param channel the e-mail notifier channel
 * @param to the recipients; at least one (checked when the workflow is built)
 * @param subject the subject template
 * @param body the body template
 * @param severity the severity
 */
public record EmailStep(
    Step.Common common,
    String channel,
    List<String> to,
    Template subject,
    Template body,
    Severity severity)
    implements Step {

  /** The channel of an e-mail step that names none. */
  public static final String DEFAULT_CHANNEL = "email";

  /** The body of an e-mail step that declares none. */
  public static final Template DEFAULT_BODY =
      Template.of(
          "Workflow ${workflow.name} (execution ${execution.id}) on node ${node.id} needs"
              + " attention.");

  /**
   * @throws NullPointerException if a field is null
   */
  public EmailStep {
    Objects.requireNonNull(common, "common");
    Objects.requireNonNull(channel, "channel");
    to = List.copyOf(Objects.requireNonNull(to, "to"));
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(severity, "severity");
  }

  @Override
  public String kind() {
    return "email";
  }

  /** Builds an {@link EmailStep}. */
  public static final class Builder extends Step.Builder<Builder, EmailStep> {
    private String channel = DEFAULT_CHANNEL;
    private List<String> to = List.of();
    private Template subject = NotifyStep.DEFAULT_SUBJECT;
    private Template body = DEFAULT_BODY;
    private Severity severity = Severity.WARNING;

    Builder(String id) {
      super(id);
    }

    /**
     * @param channel the e-mail channel (default {@value EmailStep#DEFAULT_CHANNEL})
     * @return this builder
     */
    public Builder channel(String channel) {
      this.channel = Objects.requireNonNull(channel, "channel");
      return this;
    }

    /**
     * @param to the recipients
     * @return this builder
     */
    public Builder to(String... to) {
      this.to = List.copyOf(Arrays.asList(to));
      return this;
    }

    /**
     * @param to the recipients
     * @return this builder
     */
    public Builder to(List<String> to) {
      this.to = List.copyOf(to);
      return this;
    }

    /**
     * @param subject the subject template
     * @return this builder
     */
    public Builder subject(String subject) {
      this.subject = Template.of(subject);
      return this;
    }

    /**
     * @param body the body template
     * @return this builder
     */
    public Builder body(String body) {
      this.body = Template.of(body);
      return this;
    }

    /**
     * @param severity the severity (default {@link Severity#WARNING})
     * @return this builder
     */
    public Builder severity(Severity severity) {
      this.severity = Objects.requireNonNull(severity, "severity");
      return this;
    }

    @Override
    public EmailStep build() {
      return new EmailStep(common(), channel, to, subject, body, severity);
    }
  }
}
