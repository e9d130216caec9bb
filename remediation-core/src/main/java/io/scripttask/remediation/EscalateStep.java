package io.scripttask.remediation;

import java.util.Objects;
import java.util.Optional;

/**
 * Starts an escalation (its tiers run in the background; the step itself succeeds at once, and the
 * escalation stops as {@link EscalationPolicy} describes).
 *
 * @param common the common fields
 * @param policy the escalation to start, or null for the workflow's {@link Workflow#escalation()}
 *     (one of them is required; checked when the workflow is built)
 */
public record EscalateStep(Step.Common common, EscalationPolicy policy) implements Step {

  /**
   * @throws NullPointerException if {@code common} is null
   */
  public EscalateStep {
    Objects.requireNonNull(common, "common");
  }

  @Override
  public String kind() {
    return "escalate";
  }

  /**
   * @return the step's own policy, empty for the workflow's
   */
  public Optional<EscalationPolicy> policyIfSet() {
    return Optional.ofNullable(policy);
  }

  /** Builds an {@link EscalateStep}. */
  public static final class Builder extends Step.Builder<Builder, EscalateStep> {
    private EscalationPolicy policy;

    Builder(String id) {
      super(id);
    }

    /**
     * @param policy the escalation to start (default: the workflow's)
     * @return this builder
     */
    public Builder policy(EscalationPolicy policy) {
      this.policy = policy;
      return this;
    }

    @Override
    public EscalateStep build() {
      return new EscalateStep(common(), policy);
    }
  }
}
