package io.scripttask.remediation;

/**
 * What a rollback does when a compensation fails ({@link Workflow#onCompensationFailure()}).
 * Whatever the choice, every outcome is recorded.
 */
public enum CompensationFailure {
  /**
   * Stop unwinding (the remaining compensations do not run) and escalate with the workflow's
   * escalation policy; the default.
   */
  STOP_AND_ESCALATE,
  /** Record the failure and go on with the next compensation. */
  CONTINUE,
  /** Retry the compensation with its step's retry policy; if it still fails, stop and escalate. */
  RETRY
}
