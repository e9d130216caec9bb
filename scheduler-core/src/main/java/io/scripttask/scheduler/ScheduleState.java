package io.scripttask.scheduler;

/** The live state of a stored {@link Schedule}. Only {@link #ACTIVE} schedules fire. */
public enum ScheduleState {
  /** Fires on its trigger. */
  ACTIVE,
  /** Paused by a user; fires again once resumed. */
  PAUSED,
  /**
   * Paused by the scheduler after {@link ScheduleSpec#maxConsecutiveFailures()} failures in a row;
   * fires again once a user resumes it.
   */
  AUTO_PAUSED;

  /**
   * @return whether a schedule in this state fires
   */
  public boolean fires() {
    return this == ACTIVE;
  }
}
