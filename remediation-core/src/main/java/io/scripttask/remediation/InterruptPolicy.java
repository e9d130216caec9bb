package io.scripttask.remediation;

/**
 * What the engine does, on resuming an execution after a crash, with a step that was running when
 * the process died (the step is recorded {@code INTERRUPTED} first).
 */
public enum InterruptPolicy {
  /** Run the step again: for idempotent steps. */
  RERUN,
  /**
   * Check first ("health check first"). For a script or command step with a {@link Verification}
   * probe ({@link Step.Builder#verify(String)}): run the probe on the step's node (or the nodes of
   * its target) through the transport; when it is healthy on every node the step counts as
   * succeeded ("verified after interruption") and its {@code onSuccess} is followed; when it is not
   * healthy, times out or cannot start, the step runs again as its next attempt (a failure of that
   * attempt is then retried only while the step's retry policy has attempts left: the interrupted
   * attempt counts). Without a probe (any other step kind, or a step whose success criteria read
   * nothing of its own result: trigger thresholds, trigger JSON paths, other steps' results): the
   * success criteria are evaluated on what is known, and hold or the step runs again. A health
   * check step simply probes again within its timeout. The verification probe and its outcome are
   * recorded in the execution's attempts ({@link StepAttempt.Kind#PROBE}).
   */
  VERIFY,
  /** Take the step's failure path (the default: nothing is run twice unless the author says so). */
  FAIL
}
