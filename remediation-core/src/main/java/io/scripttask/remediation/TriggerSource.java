package io.scripttask.remediation;

/** What started an execution. */
public enum TriggerSource {
  /** {@link RemediationEngine#startExecution} by a person or program. */
  MANUAL,
  /** A metric threshold fired ({@link RemediationEngine#onMetric}). */
  METRIC,
  /** A scheduler job failed ({@link RemediationEngine#schedulerListener()}). */
  JOB_FAILED,
  /** A cron trigger fired. */
  CRON,
  /** A dry run ({@link RemediationEngine#plan}). */
  PLAN
}
