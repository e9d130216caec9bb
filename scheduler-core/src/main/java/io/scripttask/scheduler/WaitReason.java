package io.scripttask.scheduler;

/** Why a {@link JobStatus#WAITING} job is held back. */
public enum WaitReason {
  /** The node already runs its limit of jobs ({@link Limits#perNode()}). */
  NODE_LIMIT,
  /** A group of the node already runs its limit of jobs ({@link Limits#perGroup()}). */
  GROUP_LIMIT,
  /** The schedule already runs its limit of jobs ({@link Limits#perSchedule()}). */
  SCHEDULE_LIMIT,
  /** The whole scheduler (or cluster) already runs its limit of jobs ({@link Limits#global()}). */
  GLOBAL_LIMIT,
  /** A maintenance window does not let the job run now. */
  MAINTENANCE_WINDOW,
  /** A schedule it depends on has not yet succeeded on the node. */
  DEPENDENCY,
  /** The node is offline; the job waits up to the schedule's offline hold. */
  NODE_OFFLINE,
  /** The previous run of the schedule on the node is still going ({@link OverlapPolicy#QUEUE}). */
  OVERLAP
}
