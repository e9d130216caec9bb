package io.scripttask.remediation;

import java.util.Objects;

/**
 * A terminal step: ends the workflow as succeeded, recording {@code message}. It has no transitions
 * (a transition on it is reported when the workflow is built).
 *
 * @param common the common fields
 * @param message the message recorded with the outcome, or null
 */
public record SucceedStep(Step.Common common, String message) implements Step {

  /**
   * @throws NullPointerException if {@code common} is null
   */
  public SucceedStep {
    Objects.requireNonNull(common, "common");
  }

  @Override
  public String kind() {
    return "succeed";
  }

  /** Builds a {@link SucceedStep}. */
  public static final class Builder extends Step.Builder<Builder, SucceedStep> {
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
    public SucceedStep build() {
      return new SucceedStep(common(), message);
    }
  }
}
