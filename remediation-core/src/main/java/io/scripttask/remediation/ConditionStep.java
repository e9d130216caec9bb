package io.scripttask.remediation;

import java.util.Objects;

/**
 * Branches: when {@code condition} holds the workflow goes to {@code onSuccess}, otherwise to
 * {@code onFailure}. The condition's current result is that of the step that ran just before; use
 * {@link Condition#onStep(String, Condition)} to judge another step's result. The decision and the
 * condition's {@link Condition#describe() description} are recorded.
 *
 * @param common the common fields ({@code onSuccess} = true branch, {@code onFailure} = false
 *     branch)
 * @param condition the condition; required (checked when the workflow is built)
 */
public record ConditionStep(Step.Common common, Condition condition) implements Step {

  /**
   * @throws NullPointerException if {@code common} is null
   */
  public ConditionStep {
    Objects.requireNonNull(common, "common");
  }

  @Override
  public String kind() {
    return "condition";
  }

  /** Builds a {@link ConditionStep}. */
  public static final class Builder extends Step.Builder<Builder, ConditionStep> {
    private Condition condition;

    Builder(String id) {
      super(id);
    }

    /**
     * @param condition the branch condition
     * @return this builder
     */
    public Builder condition(Condition condition) {
      this.condition = condition;
      return this;
    }

    /**
     * @param stepId the step to go to when the condition holds
     * @return this builder
     */
    public Builder whenTrue(String stepId) {
      return onSuccess(stepId);
    }

    /**
     * @param stepId the step to go to when the condition does not hold
     * @return this builder
     */
    public Builder whenFalse(String stepId) {
      return onFailure(stepId);
    }

    @Override
    public ConditionStep build() {
      return new ConditionStep(common(), condition);
    }
  }
}
