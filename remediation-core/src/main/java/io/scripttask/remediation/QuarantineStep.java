package io.scripttask.remediation;

import java.util.Objects;

/**
 * Quarantines the execution's node through the {@link io.scripttask.scheduler.spi.NodeDirectory}:
 * the scheduler then runs no scheduled job on it until it is released.
 *
 * @param common the common fields
 * @param reason why, recorded with the quarantine; a template, may be empty
 */
public record QuarantineStep(Step.Common common, Template reason) implements Step {

  /** The reason of a quarantine step that gives none. */
  public static final Template DEFAULT_REASON =
      Template.of("quarantined by workflow ${workflow.id} (execution ${execution.id})");

  /**
   * @throws NullPointerException if a field is null
   */
  public QuarantineStep {
    Objects.requireNonNull(common, "common");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String kind() {
    return "quarantine";
  }

  /** Builds a {@link QuarantineStep}. */
  public static final class Builder extends Step.Builder<Builder, QuarantineStep> {
    private Template reason = DEFAULT_REASON;

    Builder(String id) {
      super(id);
    }

    /**
     * @param reason why (a template)
     * @return this builder
     */
    public Builder reason(String reason) {
      this.reason = Template.of(reason);
      return this;
    }

    @Override
    public QuarantineStep build() {
      return new QuarantineStep(common(), reason);
    }
  }
}
