package io.scripttask.remediation;

import java.util.Objects;

/** Thrown when an operation names a workflow the engine's store does not hold. */
public class NoSuchWorkflowException extends RemediationException {
  private static final long serialVersionUID = 1L;

  private final String workflowId;

  /**
   * @param workflowId the unknown id
   */
  public NoSuchWorkflowException(String workflowId) {
    super(
        "workflowId must name a registered workflow, but was \""
            + Objects.requireNonNull(workflowId, "workflowId")
            + "\"");
    this.workflowId = workflowId;
  }

  /**
   * @return the unknown workflow id
   */
  public String workflowId() {
    return workflowId;
  }
}
