package io.scripttask.remediation;

import java.util.Objects;

/**
 * Releases the execution's node from quarantine through the {@link
 * io.scripttask.scheduler.spi.NodeDirectory}.
 *
 * @param common the common fields
 */
public record ReleaseStep(Step.Common common) implements Step {

  /**
   * @throws NullPointerException if {@code common} is null
   */
  public ReleaseStep {
    Objects.requireNonNull(common, "common");
  }

  @Override
  public String kind() {
    return "release";
  }

  /** Builds a {@link ReleaseStep}. */
  public static final class Builder extends Step.Builder<Builder, ReleaseStep> {
    Builder(String id) {
      super(id);
    }

    @Override
    public ReleaseStep build() {
      return new ReleaseStep(common());
    }
  }
}
