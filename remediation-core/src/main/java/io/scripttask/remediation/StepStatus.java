package io.scripttask.remediation;

/** How one recorded attempt (of a step, a probe, a compensation or an escalation) ended. */
public enum StepStatus {
  /** It met its success criteria (a condition step: its condition was evaluated). */
  SUCCEEDED,
  /** It failed: non-zero exit, failed criteria, failed to start, a rejection, a send failure. */
  FAILED,
  /** It ran past its timeout (a step, a health check, an approval's time to live). */
  TIMED_OUT,
  /** It was cancelled (the execution was cancelled or ran past its deadline). */
  CANCELLED,
  /** It was running when its engine stopped; its interrupt policy decided what followed. */
  INTERRUPTED
}
