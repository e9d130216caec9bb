package io.scripttask.remediation;

import io.scripttask.scheduler.Notification.Severity;
import java.util.Objects;
import java.util.Optional;

/**
 * Sends a notification through the {@link io.scripttask.scheduler.spi.Notifier} registered for
 * {@code channel} (a chat or webhook channel). The seed's {@code webhook} step is a notify step
 * whose channel is its {@code webhookType} ({@code slack}, {@code teams}, {@code discord}, {@code
 * generic}; {@code webhook} when absent) and which keeps its {@code url} (a {@link Secret}: never
 * shown) and {@code method}, for a notifier that posts to the step's own URL.
 *
 * @param common the common fields
 * @param channel the notifier channel; required
 * @param severity the severity
 * @param subject the subject template
 * @param body the body template
 * @param url the webhook URL, or null to use the channel's own
 * @param method the HTTP method for {@code url}, or null (POST)
 */
public record NotifyStep(
    Step.Common common,
    String channel,
    Severity severity,
    Template subject,
    Template body,
    Secret url,
    String method)
    implements Step {

  /** The subject of a notify step that declares none. */
  public static final Template DEFAULT_SUBJECT =
      Template.of("Remediation ${workflow.name} on ${node.id}");

  /** The channel of a seed {@code webhook} step without a {@code webhookType}. */
  public static final String DEFAULT_WEBHOOK_CHANNEL = "webhook";

  /**
   * @throws NullPointerException if {@code common}, {@code severity}, {@code subject} or {@code
   *     body} is null
   */
  public NotifyStep {
    Objects.requireNonNull(common, "common");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(body, "body");
  }

  @Override
  public String kind() {
    return "notify";
  }

  /**
   * @return the webhook URL, if the step has its own
   */
  public Optional<Secret> urlIfSet() {
    return Optional.ofNullable(url);
  }

  /**
   * @return the step without the secret: the URL is shown as {@code ***}
   */
  @Override
  public String toString() {
    return "NotifyStep[common="
        + common
        + ", channel="
        + channel
        + ", severity="
        + severity
        + ", subject="
        + subject
        + ", body="
        + body
        + ", url="
        + (url == null ? "null" : url.toString())
        + ", method="
        + method
        + "]";
  }

  /** Builds a {@link NotifyStep}. */
  public static final class Builder extends Step.Builder<Builder, NotifyStep> {
    private String channel;
    private Severity severity = Severity.INFO;
    private Template subject = DEFAULT_SUBJECT;
    private Template body = Template.EMPTY;
    private Secret url;
    private String method;

    Builder(String id) {
      super(id);
    }

    /**
     * @param channel the notifier channel
     * @return this builder
     */
    public Builder channel(String channel) {
      this.channel = channel;
      return this;
    }

    /**
     * @param severity the severity (default {@link Severity#INFO})
     * @return this builder
     */
    public Builder severity(Severity severity) {
      this.severity = Objects.requireNonNull(severity, "severity");
      return this;
    }

    /**
     * @param subject the subject template (default {@link NotifyStep#DEFAULT_SUBJECT})
     * @return this builder
     */
    public Builder subject(String subject) {
      this.subject = Template.of(subject);
      return this;
    }

    /**
     * @param body the body template (default empty)
     * @return this builder
     */
    public Builder body(String body) {
      this.body = Template.of(body);
      return this;
    }

    /**
     * @param url the step's own webhook URL (a secret)
     * @return this builder
     */
    public Builder url(Secret url) {
      this.url = url;
      return this;
    }

    /**
     * @param method the HTTP method for the URL
     * @return this builder
     */
    public Builder method(String method) {
      this.method = method;
      return this;
    }

    @Override
    public NotifyStep build() {
      return new NotifyStep(common(), channel, severity, subject, body, url, method);
    }
  }
}
