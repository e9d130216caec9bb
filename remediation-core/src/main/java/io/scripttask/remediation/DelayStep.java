package io.scripttask.remediation;

import java.time.Duration;
import java.util.Objects;

/**
 * Waits, then takes {@code onSuccess} (a delay does not fail). A loop between steps must pass
 * through a delay or a health check (see {@link Workflow}).
 *
 * @param common the common fields
 * @param duration how long to wait; positive, required (checked when the workflow is built)
 */
public record DelayStep(Step.Common common, Duration duration) implements Step {

  /**
   * @throws NullPointerException if {@code common} is null
   */
  public DelayStep {
    Objects.requireNonNull(common, "common");
  }

  @Override
  public String kind() {
    return "delay";
  }

  /** Builds a {@link DelayStep}. */
  public static final class Builder extends Step.Builder<Builder, DelayStep> {
    private Duration duration;

    Builder(String id) {
      super(id);
    }

    /**
     * @param duration how long to wait
     * @return this builder
     */
    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    @Override
    public DelayStep build() {
      return new DelayStep(common(), duration);
    }
  }
}
