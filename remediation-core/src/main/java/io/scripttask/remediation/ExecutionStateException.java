package io.scripttask.remediation;

import java.util.Objects;

/**
 * Thrown when an operation does not fit the state an execution is in: approving a step the
 * execution does not wait at, cancelling a finished execution.
 */
public class ExecutionStateException extends RemediationException {
  private static final long serialVersionUID = 1L;

  private final String executionId;
  private final ExecutionStatus status;

  /**
   * @param executionId the execution
   * @param status its status
   * @param message what the operation needed
   */
  public ExecutionStateException(String executionId, ExecutionStatus status, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.executionId = Objects.requireNonNull(executionId, "executionId");
    this.status = Objects.requireNonNull(status, "status");
  }

  /**
   * @return the execution
   */
  public String executionId() {
    return executionId;
  }

  /**
   * @return its status when the operation was refused
   */
  public ExecutionStatus status() {
    return status;
  }
}
