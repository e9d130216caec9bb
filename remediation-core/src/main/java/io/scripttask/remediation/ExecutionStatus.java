package io.scripttask.remediation;

/**
 * Where a {@link WorkflowExecution} is. {@code RUNNING}, {@code WAITING} and {@code ROLLING_BACK}
 * are active (the engine owning the execution drives it on); the others are final.
 */
public enum ExecutionStatus {
  /** A step is being started or runs. */
  RUNNING,
  /** Waiting on a timer (a retry's backoff, a delay, a health check's interval) or an approval. */
  WAITING,
  /** The workflow failed, timed out or was cancelled; the compensations of completed steps run. */
  ROLLING_BACK,
  /** Ended on a success path. */
  SUCCEEDED,
  /** Ended on a failure path (after its rollback, if any). */
  FAILED,
  /** Ran past the workflow's deadline (after its rollback, if any). */
  TIMED_OUT,
  /** Cancelled through the API (after its rollback, if any). */
  CANCELLED,
  /**
   * The trigger was refused (dedup, cooldown, rate limit, too many nodes in remediation, workflow
   * disabled); nothing ran. {@link WorkflowExecution#refusal()} says why.
   */
  REFUSED;

  /**
   * @return whether the execution has ended (its status no longer changes)
   */
  public boolean isFinal() {
    return this != RUNNING && this != WAITING && this != ROLLING_BACK;
  }
}
