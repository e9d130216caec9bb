package io.scripttask.scheduler;

/** Why a {@link JobStatus#SKIPPED} job was not run. */
public enum SkipReason {
  /** The node is quarantined. */
  NODE_QUARANTINED,
  /** The node stayed offline longer than the schedule's offline hold. */
  NODE_OFFLINE_TIMEOUT,
  /** A schedule it depends on failed (or was skipped) on the node. */
  DEPENDENCY_FAILED,
  /** The fire was missed and the misfire policy dropped it. */
  MISFIRE,
  /** A maintenance window did not let it run and the schedule's window policy is SKIP. */
  WINDOW,
  /** The previous run on the node was still going and the overlap policy is SKIP. */
  OVERLAP,
  /** The schedule was deleted before the job ran. */
  SCHEDULE_DELETED,
  /** The schedule was paused before the job ran. */
  SCHEDULE_PAUSED,
  /** The node no longer exists or no longer matches the target. */
  NODE_GONE,
  /** The scheduler was shut down before the job ran. */
  SHUTDOWN
}
