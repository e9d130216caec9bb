package io.scripttask.remediation;

import java.util.Objects;

/** Thrown when an operation names an execution the engine's store does not hold. */
public class NoSuchExecutionException extends RemediationException {
  private static final long serialVersionUID = 1L;

  private final String executionId;

  /**
   * @param executionId the unknown id
   */
  public NoSuchExecutionException(String executionId) {
    super(
        "executionId must name a stored execution, but was \""
            + Objects.requireNonNull(executionId, "executionId")
            + "\"");
    this.executionId = executionId;
  }

  /**
   * @return the unknown execution id
   */
  public String executionId() {
    return executionId;
  }
}
