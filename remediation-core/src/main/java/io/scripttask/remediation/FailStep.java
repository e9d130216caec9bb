package io.scripttask.remediation;

import java.util.Objects;

/**
 * A terminal step: ends the workflow as failed (rolling back when enabled), recording {@code
 * message}. It has no transitions (a transition on it is reported when the workflow is built).
 *
 * @param common the common fields
 * @param message the message recorded with the outcome, or null
 */
public record FailStep(Step.Common common, String message) implements Step {

  /**
   * @throws NullPointerException if {@code common} is null
   */
  public FailStep {
    Objects.requireNonNull(common, "common");
  }

  @Override
  public String kind() {
    return "fail";
  }

  /** Builds a {@link FailStep}. */
  public static final class Builder extends Step.Builder<Builder, FailStep> {
    private String message;

    Builder(String id) {
      super(id);
    }

    /**
     * @param message the message recorded with the outcome
     * @return this builder
     */
    public Builder message(String message) {
      this.message = message;
      return this;
    }

    @Override
    public FailStep build() {
      return new FailStep(common(), message);
    }
  }
}
