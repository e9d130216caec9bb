package io.scripttask.remediation;

/** What the rollback of an execution did. */
public enum RollbackStatus {
  /** No rollback ran: the execution succeeded, rollback is disabled, or nothing had completed. */
  NONE,
  /** Compensations are running. */
  RUNNING,
  /** Every compensation of the completed steps succeeded. */
  COMPLETED,
  /** A compensation failed and stopped the unwinding (the execution escalated). */
  FAILED,
  /**
   * A compensation failed and the unwinding went on ({@link CompensationFailure#CONTINUE}); the
   * attempts say which.
   */
  PARTIAL
}
