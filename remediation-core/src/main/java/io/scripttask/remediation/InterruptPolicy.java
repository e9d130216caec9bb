package io.scripttask.remediation;

/**
 * What the engine does, on resuming an execution after a crash, with a step that was running when
 * the process died (the step is recorded {@code INTERRUPTED} first).
 */
public enum InterruptPolicy {
  /** Run the step again: for idempotent steps. */
  RERUN,
  /**
   * Check first: evaluate the step's success criteria (for a health check step, probe once); if it
   * holds treat the step as succeeded, otherwise run it again.
   */
  VERIFY,
  /** Take the step's failure path (the default: nothing is run twice unless the author says so). */
  FAIL
}
